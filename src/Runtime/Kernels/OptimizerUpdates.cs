using System.Runtime.CompilerServices;

namespace AotNet.Kernels;

/// <summary>
/// An optimizer's element-wise update as an operator struct (the TensorPrimitives model): hyper-parameters as readonly
/// fields, the struct built once per step by the caller, one update expression written once over
/// <see cref="ILanes{TSelf}"/> so that the scalar, 128-, 256- and 512-bit paths compute the same bits. Every state value
/// an update computes passes through <see cref="Subnormals.Flush{TV}"/> before it is stored or used. The kernels in
/// <see cref="OptimizerKernels"/> (<c>Apply</c>, <c>ApplyOuter</c>, <c>ApplyOuterBackprop</c>, <c>ApplyBias</c>) and
/// <see cref="Training.FirstKernelGradient.Step{TUpdate}"/> drive any implementation.
/// </summary>
public interface IOptimizerUpdate
{
    /// <summary>State vectors per parameter the update reads and writes: 0, 1 (<c>s1</c>) or 2 (<c>s1</c>, <c>s2</c>).</summary>
    static abstract int StateCount { get; }

    /// <summary>
    /// Whether a +0 gradient leaves the weight as it is, so that a kernel may apply <see cref="ZeroGradient"/> to the state
    /// alone: exactly the floats <see cref="Invoke"/> gives with <c>g = +0</c> for every state a training run reaches
    /// (state starting at +0, finite hyper-parameters, ε &gt; 0).
    /// </summary>
    static abstract bool ZeroGradientKeepsWeight { get; }

    /// <summary>The hyper-parameters broadcast to <typeparamref name="TV"/>, once per kernel call (so the loop keeps them in registers).</summary>
    UpdateConstants<TV> Constants<TV>()
        where TV : struct, ILanes<TV>;

    /// <summary>The updated weight for weight <paramref name="w"/> and gradient <paramref name="g"/>; updates the state.</summary>
    static abstract TV Invoke<TV>(in UpdateConstants<TV> k, TV w, TV g, ref TV s1, ref TV s2)
        where TV : struct, ILanes<TV>;

    /// <summary>The state update for <c>g = +0</c> when <see cref="ZeroGradientKeepsWeight"/> (unused otherwise).</summary>
    static abstract void ZeroGradient<TV>(in UpdateConstants<TV> k, ref TV s1, ref TV s2)
        where TV : struct, ILanes<TV>;
}

/// <summary>
/// Hyper-parameters broadcast to every lane: <c>C0</c>–<c>C3</c> for the update itself (each update documents what they
/// hold), <c>C4</c>–<c>C5</c> for a decorator around it (<see cref="WeightDecayUpdate{TUpdate}"/>: the weight decay and the
/// learning rate; zero otherwise).
/// </summary>
public readonly struct UpdateConstants<TV>
    where TV : struct, ILanes<TV>
{
    public readonly TV C0, C1, C2, C3, C4, C5;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public UpdateConstants(float c0, float c1, float c2, float c3)
    {
        C0 = TV.Create(c0);
        C1 = TV.Create(c1);
        C2 = TV.Create(c2);
        C3 = TV.Create(c3);
        C4 = default;
        C5 = default;
    }

    /// <summary>The constants of <paramref name="inner"/> with <c>C4</c> and <c>C5</c> set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public UpdateConstants(in UpdateConstants<TV> inner, float c4, float c5)
    {
        C0 = inner.C0;
        C1 = inner.C1;
        C2 = inner.C2;
        C3 = inner.C3;
        C4 = TV.Create(c4);
        C5 = TV.Create(c5);
    }
}

/// <summary>
/// Keras 3's decoupled weight decay (the base optimizer's <c>weight_decay</c>, AdamW's 0.004) around any update: every
/// weight first becomes <c>w − (w · wd) · lr</c> (<c>_apply_weight_decay</c>, after the gradients are clipped, with the
/// step's learning rate), then <typeparamref name="TUpdate"/> updates it with the gradient. Kernels and biases alike;
/// a zero gradient moves the weight too, so <see cref="ZeroGradientKeepsWeight"/> is false.
/// </summary>
/// <remarks><c>C4 = wd</c>, <c>C5 = lr</c>; the inner update's constants stay in <c>C0</c>–<c>C3</c> (so the inner
/// update must not be a decorator itself).</remarks>
public readonly struct WeightDecayUpdate<TUpdate>(TUpdate inner, float weightDecay, float learningRate) : IOptimizerUpdate
    where TUpdate : struct, IOptimizerUpdate
{
    public readonly TUpdate Inner = inner;

    public readonly float WeightDecay = weightDecay, LearningRate = learningRate;

    public static int StateCount => TUpdate.StateCount;

    public static bool ZeroGradientKeepsWeight => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public UpdateConstants<TV> Constants<TV>()
        where TV : struct, ILanes<TV> => new(Inner.Constants<TV>(), WeightDecay, LearningRate);

    /// <summary>Keras's float32 <c>variable - variable * wd * lr</c> (two roundings, then the subtraction; no FMA), flushed
    /// (<see cref="Subnormals"/>: a weight whose gradient stays 0 decays geometrically), then the update.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Invoke<TV>(in UpdateConstants<TV> k, TV w, TV g, ref TV s1, ref TV s2)
        where TV : struct, ILanes<TV> => TUpdate.Invoke(k, Subnormals.Flush(w - ((w * k.C4) * k.C5)), g, ref s1, ref s2);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ZeroGradient<TV>(in UpdateConstants<TV> k, ref TV s1, ref TV s2)
        where TV : struct, ILanes<TV> => throw new NotSupportedException("weight decay moves the weight also for a zero gradient");
}

/// <summary>RMSprop (Keras 3): <c>v = ρ v + (1 − ρ) g²; w −= lr g / sqrt(v + ε)</c>. State: <c>s1 = v</c>.</summary>
public readonly struct RmsPropUpdate(float learningRate, float rho, float epsilon) : IOptimizerUpdate
{
    public readonly float LearningRate = learningRate, Rho = rho, Epsilon = epsilon;

    public static int StateCount => 1;

    public static bool ZeroGradientKeepsWeight => true;

    /// <summary>C0 = ρ, C1 = 1 − ρ, C2 = lr, C3 = ε.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public UpdateConstants<TV> Constants<TV>()
        where TV : struct, ILanes<TV> => new(Rho, 1f - Rho, LearningRate, Epsilon);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Invoke<TV>(in UpdateConstants<TV> k, TV w, TV g, ref TV s1, ref TV s2)
        where TV : struct, ILanes<TV>
    {
        s1 = Subnormals.Flush((k.C0 * s1) + (k.C1 * (g * g)));
        return w - ((k.C2 * g) / TV.Sqrt(s1 + k.C3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ZeroGradient<TV>(in UpdateConstants<TV> k, ref TV s1, ref TV s2)
        where TV : struct, ILanes<TV> => s1 = Subnormals.Flush(k.C0 * s1);
}

/// <summary>RMSprop with the legacy tf.keras epsilon placement: <c>w −= lr g / (sqrt(v) + ε)</c>. State: <c>s1 = v</c>.</summary>
public readonly struct RmsPropLegacyUpdate(float learningRate, float rho, float epsilon) : IOptimizerUpdate
{
    public readonly float LearningRate = learningRate, Rho = rho, Epsilon = epsilon;

    public static int StateCount => 1;

    public static bool ZeroGradientKeepsWeight => true;

    /// <summary>C0 = ρ, C1 = 1 − ρ, C2 = lr, C3 = ε.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public UpdateConstants<TV> Constants<TV>()
        where TV : struct, ILanes<TV> => new(Rho, 1f - Rho, LearningRate, Epsilon);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Invoke<TV>(in UpdateConstants<TV> k, TV w, TV g, ref TV s1, ref TV s2)
        where TV : struct, ILanes<TV>
    {
        s1 = Subnormals.Flush((k.C0 * s1) + (k.C1 * (g * g)));
        return w - ((k.C2 * g) / (TV.Sqrt(s1) + k.C3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ZeroGradient<TV>(in UpdateConstants<TV> k, ref TV s1, ref TV s2)
        where TV : struct, ILanes<TV> => s1 = Subnormals.Flush(k.C0 * s1);
}

/// <summary>
/// Adam (Keras 3, <c>amsgrad=False</c>): <c>m += (g − m)(1 − β1); v += (g² − v)(1 − β2); w −= m α / (sqrt(v) + ε)</c> with
/// the bias-corrected step size <c>α = lr sqrt(1 − β2^t) / (1 − β1^t)</c> of step <c>t</c>. State: <c>s1 = m</c>, <c>s2 = v</c>.
/// </summary>
public readonly struct AdamUpdate : IOptimizerUpdate
{
    public readonly float StepSize, Beta1, Beta2, Epsilon;

    /// <summary>The update of step <paramref name="step"/> (1-based: Keras's <c>iterations + 1</c>).</summary>
    public AdamUpdate(float learningRate, float beta1, float beta2, float epsilon, long step)
        : this(StepSizeOf(learningRate, beta1, beta2, step), beta1, beta2, epsilon)
    {
    }

    private AdamUpdate(float stepSize, float beta1, float beta2, float epsilon)
    {
        StepSize = stepSize;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    public static int StateCount => 2;

    public static bool ZeroGradientKeepsWeight => false;

    /// <summary>The update with a given step size α (what <see cref="StepSizeOf"/> returns).</summary>
    public static AdamUpdate WithStepSize(float stepSize, float beta1, float beta2, float epsilon) => new(stepSize, beta1, beta2, epsilon);

    /// <summary>
    /// <c>α = lr sqrt(1 − β2^t) / (1 − β1^t)</c> as Keras forms it in float32 (<c>(lr · sqrt(1 − β2^t)) / (1 − β1^t)</c>),
    /// with <c>β^t</c> by exponentiation by squaring in double, rounded to float: no libm <c>pow</c>, so every machine gets
    /// the same α.
    /// </summary>
    public static float StepSizeOf(float learningRate, float beta1, float beta2, long step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1L);
        float beta1Power = (float)Power(beta1, step), beta2Power = (float)Power(beta2, step);
        return learningRate * MathF.Sqrt(1f - beta2Power) / (1f - beta1Power);
    }

    /// <summary><c>b^n</c> for <c>n ≥ 0</c> by squaring (IEEE double multiplications only).</summary>
    public static double Power(double b, long n)
    {
        double result = 1d;
        for (; n > 0; n >>= 1)
        {
            if ((n & 1) != 0)
            {
                result *= b;
            }

            b *= b;
        }

        return result;
    }

    /// <summary>C0 = α, C1 = 1 − β1, C2 = 1 − β2, C3 = ε.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public UpdateConstants<TV> Constants<TV>()
        where TV : struct, ILanes<TV> => new(StepSize, 1f - Beta1, 1f - Beta2, Epsilon);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Invoke<TV>(in UpdateConstants<TV> k, TV w, TV g, ref TV s1, ref TV s2)
        where TV : struct, ILanes<TV>
    {
        s1 = Subnormals.Flush(s1 + ((g - s1) * k.C1));
        s2 = Subnormals.Flush(s2 + (((g * g) - s2) * k.C2));
        return w - ((s1 * k.C0) / (TV.Sqrt(s2) + k.C3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ZeroGradient<TV>(in UpdateConstants<TV> k, ref TV s1, ref TV s2)
        where TV : struct, ILanes<TV> => throw new NotSupportedException("Adam moves the weight also for a zero gradient");
}

/// <summary>Plain SGD (Keras 3, <c>momentum=0</c>): <c>w −= g lr</c>. No state.</summary>
public readonly struct SgdUpdate(float learningRate) : IOptimizerUpdate
{
    public readonly float LearningRate = learningRate;

    public static int StateCount => 0;

    public static bool ZeroGradientKeepsWeight => true;

    /// <summary>C0 = lr.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public UpdateConstants<TV> Constants<TV>()
        where TV : struct, ILanes<TV> => new(LearningRate, 0f, 0f, 0f);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Invoke<TV>(in UpdateConstants<TV> k, TV w, TV g, ref TV s1, ref TV s2)
        where TV : struct, ILanes<TV> => w - (g * k.C0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ZeroGradient<TV>(in UpdateConstants<TV> k, ref TV s1, ref TV s2)
        where TV : struct, ILanes<TV>
    {
    }
}

/// <summary>SGD with momentum (Keras 3, <c>nesterov=False</c>): <c>u = u μ − g lr; w += u</c>. State: <c>s1 = u</c>.</summary>
public readonly struct SgdMomentumUpdate(float learningRate, float momentum) : IOptimizerUpdate
{
    public readonly float LearningRate = learningRate, Momentum = momentum;

    public static int StateCount => 1;

    public static bool ZeroGradientKeepsWeight => false;

    /// <summary>C0 = lr, C1 = μ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public UpdateConstants<TV> Constants<TV>()
        where TV : struct, ILanes<TV> => new(LearningRate, Momentum, 0f, 0f);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Invoke<TV>(in UpdateConstants<TV> k, TV w, TV g, ref TV s1, ref TV s2)
        where TV : struct, ILanes<TV>
    {
        s1 = Subnormals.Flush((s1 * k.C1) - (g * k.C0));
        return w + s1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ZeroGradient<TV>(in UpdateConstants<TV> k, ref TV s1, ref TV s2)
        where TV : struct, ILanes<TV> => throw new NotSupportedException("momentum moves the weight also for a zero gradient");
}

/// <summary>SGD with Nesterov momentum (Keras 3, <c>nesterov=True</c>): <c>u = u μ − g lr; w += u μ − g lr</c>. State: <c>s1 = u</c>.</summary>
public readonly struct SgdNesterovUpdate(float learningRate, float momentum) : IOptimizerUpdate
{
    public readonly float LearningRate = learningRate, Momentum = momentum;

    public static int StateCount => 1;

    public static bool ZeroGradientKeepsWeight => false;

    /// <summary>C0 = lr, C1 = μ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public UpdateConstants<TV> Constants<TV>()
        where TV : struct, ILanes<TV> => new(LearningRate, Momentum, 0f, 0f);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Invoke<TV>(in UpdateConstants<TV> k, TV w, TV g, ref TV s1, ref TV s2)
        where TV : struct, ILanes<TV>
    {
        var step = g * k.C0;
        s1 = Subnormals.Flush((s1 * k.C1) - step);
        return w + ((s1 * k.C1) - step);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ZeroGradient<TV>(in UpdateConstants<TV> k, ref TV s1, ref TV s2)
        where TV : struct, ILanes<TV> => throw new NotSupportedException("momentum moves the weight also for a zero gradient");
}
