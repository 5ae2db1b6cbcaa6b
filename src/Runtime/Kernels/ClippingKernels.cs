namespace AotNet.Kernels;

/// <summary>
/// Keras 3's gradient clipping on a gradient block the optimizer multiplies by <c>scale</c> (1 / batch rows): the gradient
/// the step sees is <c>g·scale + r</c> with <c>r</c> the regularisers' gradient (already added as <c>r / scale</c>).
/// <c>clipvalue</c> clips each element; <c>clipnorm</c> scales each variable's gradient by <c>c / max(‖g‖, c)</c>;
/// <c>global_clipnorm</c> scales all of them by <c>c / max(‖g‖_global, c)</c>. Sums run in double in index order.
/// </summary>
public static class ClippingKernels
{
    /// <summary><c>Σ (g_i · scale)²</c> in double, in index order.</summary>
    public static double SquaredNorm(ReadOnlySpan<float> gradient, float scale)
    {
        double sum = 0;
        foreach (float g in gradient)
        {
            double v = g * scale;
            sum += v * v;
        }

        return sum;
    }

    /// <summary>The factor <c>clip / max(norm, clip)</c> (1 when the norm is within the limit).</summary>
    public static float NormFactor(double squaredNorm, double clip)
    {
        double norm = Math.Sqrt(squaredNorm);
        return norm > clip ? (float)(clip / norm) : 1f;
    }

    /// <summary><c>g *= factor</c>.</summary>
    public static void Scale(Span<float> gradient, float factor)
    {
        if (factor != 1f)
        {
            foreach (ref float g in gradient)
            {
                g *= factor;
            }
        }
    }

    /// <summary><c>g = clamp(g · scale, −limit, limit) / scale</c>: the step sees the clipped value.</summary>
    public static void ClipValue(Span<float> gradient, float scale, float limit)
    {
        foreach (ref float g in gradient)
        {
            float v = g * scale;
            if (v > limit || v < -limit)
            {
                g = Math.Clamp(v, -limit, limit) / scale;
            }
        }
    }
}
