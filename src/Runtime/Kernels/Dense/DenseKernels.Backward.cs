using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AotNet.Kernels;

/// <summary>The backward row kernels: the kernel gradient's outer product, the input delta, and both at once.</summary>
public static partial class DenseKernels
{
    /// <summary>Kernel gradient: <c>dW[i, :] += x[i] · dy</c> for every non-zero <c>x[i]</c>.</summary>
    public static void AccumulateOuter(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> kernelGradient)
    {
        int inputs = x.Length, units = dy.Length;
        CheckShapes(inputs, units, kernelGradient.Length, units);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float d = ref MemoryMarshal.GetReference(dy);
        ref float g = ref MemoryMarshal.GetReference(kernelGradient);
        if (Vector256.IsHardwareAccelerated)
        {
            AccumulateOuter<Lanes256>(ref xr, ref d, ref g, inputs, units);
        }
        else
        {
            AccumulateOuter<Lanes128x2>(ref xr, ref d, ref g, inputs, units);
        }
    }

    private static void AccumulateOuter<TL>(ref float xr, ref float d, ref float g, int inputs, int units)
        where TL : struct, IOctLanes<TL>
    {
        for (int i0 = 0; i0 < inputs; i0 += Width)
        {
            int end = Math.Min(i0 + Width, inputs);
            if (TL.IsHardwareAccelerated && end - i0 == Width && TL.AllZero(TL.Load(ref Unsafe.Add(ref xr, i0))))
            {
                continue;
            }

            for (int i = i0; i < end; i++)
            {
                float xi = Unsafe.Add(ref xr, i);
                if (xi != 0f)
                {
                    Axpy<TL>(xi, ref d, ref Unsafe.Add(ref g, (nint)i * units), units);
                }
            }
        }
    }

    /// <summary>
    /// One pass over a layer's kernel rows for the backward pass: the input delta <c>dx = W · dy</c>
    /// (<see cref="BackpropInput"/>) and the kernel gradient <c>dW[i, :] += x[i] · dy</c> (<see cref="AccumulateOuter"/>),
    /// with <c>dy</c> kept hot. The same floats as the two kernels.
    /// </summary>
    public static void BackpropAccumulate(ReadOnlySpan<float> kernel, ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> kernelGradient, Span<float> dx) =>
        BackpropAccumulate(kernel, dy, x, kernelGradient, dx, reluInput: false);

    /// <summary>
    /// <see cref="BackpropAccumulate(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
    /// when <paramref name="x"/> is a ReLU's output, followed by <see cref="ActivationKernels.ReluBackward"/>: rows with
    /// <c>x[i] = 0</c> (inactive units) need neither the dot product nor the gradient update. The same floats.
    /// </summary>
    public static void BackpropAccumulateRelu(ReadOnlySpan<float> kernel, ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> kernelGradient, Span<float> dx) =>
        BackpropAccumulate(kernel, dy, x, kernelGradient, dx, reluInput: true);

    private static void BackpropAccumulate(ReadOnlySpan<float> kernel, ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> kernelGradient, Span<float> dx, bool reluInput)
    {
        int inputs = x.Length, units = dy.Length;
        CheckShapes(inputs, units, kernel.Length, units);
        CheckShapes(inputs, units, kernelGradient.Length, units);
        if (dx.Length != inputs)
        {
            throw new ArgumentException($"the input delta holds {dx.Length} values, expected {inputs}", nameof(dx));
        }

        ref float w = ref MemoryMarshal.GetReference(kernel);
        ref float d = ref MemoryMarshal.GetReference(dy);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float g = ref MemoryMarshal.GetReference(kernelGradient);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        if (Vector256.IsHardwareAccelerated)
        {
            BackpropAccumulate<Lanes256>(ref w, ref d, ref xr, ref g, ref dxr, inputs, units, reluInput);
        }
        else
        {
            BackpropAccumulate<Lanes128x2>(ref w, ref d, ref xr, ref g, ref dxr, inputs, units, reluInput);
        }
    }

    private static void BackpropAccumulate<TL>(ref float w, ref float d, ref float xr, ref float g, ref float dxr, int inputs, int units, bool reluInput)
        where TL : struct, IOctLanes<TL>
    {
        if (TL.IsHardwareAccelerated && units >= Width && units <= 8 * Width)
        {
            switch (units / Width)
            {
                case 1: BackpropAccumulateInRegisters<TL, C1>(ref w, ref d, ref xr, ref g, ref dxr, inputs, units, reluInput); break;
                case 2: BackpropAccumulateInRegisters<TL, C2>(ref w, ref d, ref xr, ref g, ref dxr, inputs, units, reluInput); break;
                case 3: BackpropAccumulateInRegisters<TL, C3>(ref w, ref d, ref xr, ref g, ref dxr, inputs, units, reluInput); break;
                case 4: BackpropAccumulateInRegisters<TL, C4>(ref w, ref d, ref xr, ref g, ref dxr, inputs, units, reluInput); break;
                case 5: BackpropAccumulateInRegisters<TL, C5>(ref w, ref d, ref xr, ref g, ref dxr, inputs, units, reluInput); break;
                case 6: BackpropAccumulateInRegisters<TL, C6>(ref w, ref d, ref xr, ref g, ref dxr, inputs, units, reluInput); break;
                case 7: BackpropAccumulateInRegisters<TL, C7>(ref w, ref d, ref xr, ref g, ref dxr, inputs, units, reluInput); break;
                default: BackpropAccumulateInRegisters<TL, C8>(ref w, ref d, ref xr, ref g, ref dxr, inputs, units, reluInput); break;
            }

            return;
        }

        for (int i = 0; i < inputs; i++)
        {
            float xi = Unsafe.Add(ref xr, i);
            if (xi == 0f)
            {
                // no gradient contribution; below a ReLU the delta is 0 too
                Unsafe.Add(ref dxr, i) = reluInput ? 0f : Dot(ref Unsafe.Add(ref w, (nint)i * units), ref d, units);
                continue;
            }

            // ReluBackward keeps the delta where x > 0 only (a NaN input gets 0)
            Unsafe.Add(ref dxr, i) = reluInput && !(xi > 0f) ? 0f : Dot(ref Unsafe.Add(ref w, (nint)i * units), ref d, units);
            Axpy<TL>(xi, ref d, ref Unsafe.Add(ref g, (nint)i * units), units);
        }
    }

    /// <summary>
    /// <see cref="BackpropAccumulate(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, bool)"/>
    /// for 8 to 64 units, the number of full blocks of eight a constant: the blocks of <c>dy</c> stay in registers for
    /// all kernel rows. The same floats: the dot product sums its full blocks in order into one eight-lane accumulator,
    /// then the tree, then the scalar tail, as <see cref="Reductions.Dot(ref float, ref float, int)"/> does; the
    /// gradient row is updated element by element as <see cref="Axpy"/> does, its tail by a block that ends at the last unit.
    /// </summary>
    private static void BackpropAccumulateInRegisters<TL, TBlocks>(ref float w, ref float d, ref float xr, ref float g, ref float dxr, int inputs, int units, bool reluInput)
        where TL : struct, IOctLanes<TL>
        where TBlocks : struct, IConstant
    {
        int blocks = TBlocks.Value, tail = blocks * Width;
        nint last = units - Width;
        var zero = TL.Zero;
        var dt = TL.Load(ref Unsafe.Add(ref d, last));
        var d0 = TL.Load(ref d);
        var d1 = blocks > 1 ? TL.Load(ref Unsafe.Add(ref d, 8)) : zero;
        var d2 = blocks > 2 ? TL.Load(ref Unsafe.Add(ref d, 16)) : zero;
        var d3 = blocks > 3 ? TL.Load(ref Unsafe.Add(ref d, 24)) : zero;
        var d4 = blocks > 4 ? TL.Load(ref Unsafe.Add(ref d, 32)) : zero;
        var d5 = blocks > 5 ? TL.Load(ref Unsafe.Add(ref d, 40)) : zero;
        var d6 = blocks > 6 ? TL.Load(ref Unsafe.Add(ref d, 48)) : zero;
        var d7 = blocks > 7 ? TL.Load(ref Unsafe.Add(ref d, 56)) : zero;
        for (int i = 0; i < inputs; i++)
        {
            float xi = Unsafe.Add(ref xr, i);
            ref float row = ref Unsafe.Add(ref w, (nint)i * units);
            if (reluInput && !(xi > 0f))
            {
                Unsafe.Add(ref dxr, i) = 0f;
                if (xi == 0f)
                {
                    continue;
                }
            }
            else
            {
                var acc = TL.Fma(TL.Load(ref row), d0, zero);
                if (blocks > 1)
                {
                    TL.MultiplyAdd(ref acc, d1, ref Unsafe.Add(ref row, 8));
                }

                if (blocks > 2)
                {
                    TL.MultiplyAdd(ref acc, d2, ref Unsafe.Add(ref row, 16));
                }

                if (blocks > 3)
                {
                    TL.MultiplyAdd(ref acc, d3, ref Unsafe.Add(ref row, 24));
                }

                if (blocks > 4)
                {
                    TL.MultiplyAdd(ref acc, d4, ref Unsafe.Add(ref row, 32));
                }

                if (blocks > 5)
                {
                    TL.MultiplyAdd(ref acc, d5, ref Unsafe.Add(ref row, 40));
                }

                if (blocks > 6)
                {
                    TL.MultiplyAdd(ref acc, d6, ref Unsafe.Add(ref row, 48));
                }

                if (blocks > 7)
                {
                    TL.MultiplyAdd(ref acc, d7, ref Unsafe.Add(ref row, 56));
                }

                float sum = TL.Combine(acc);
                for (int j = tail; j < units; j++)
                {
                    sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref row, j), Unsafe.Add(ref d, j), sum);
                }

                Unsafe.Add(ref dxr, i) = sum;
                if (xi == 0f)
                {
                    continue;
                }
            }

            ref float gr = ref Unsafe.Add(ref g, (nint)i * units);
            var va = TL.Create(xi);

            // the tail as a block ending at the last unit, read before the full blocks are written (it overlaps the last)
            var gt = tail < units ? TL.Fma(va, dt, TL.Load(ref Unsafe.Add(ref gr, last))) : zero;
            TL.Store(TL.Fma(va, d0, TL.Load(ref gr)), ref gr);
            if (blocks > 1)
            {
                TL.Store(TL.Fma(va, d1, TL.Load(ref Unsafe.Add(ref gr, 8))), ref Unsafe.Add(ref gr, 8));
            }

            if (blocks > 2)
            {
                TL.Store(TL.Fma(va, d2, TL.Load(ref Unsafe.Add(ref gr, 16))), ref Unsafe.Add(ref gr, 16));
            }

            if (blocks > 3)
            {
                TL.Store(TL.Fma(va, d3, TL.Load(ref Unsafe.Add(ref gr, 24))), ref Unsafe.Add(ref gr, 24));
            }

            if (blocks > 4)
            {
                TL.Store(TL.Fma(va, d4, TL.Load(ref Unsafe.Add(ref gr, 32))), ref Unsafe.Add(ref gr, 32));
            }

            if (blocks > 5)
            {
                TL.Store(TL.Fma(va, d5, TL.Load(ref Unsafe.Add(ref gr, 40))), ref Unsafe.Add(ref gr, 40));
            }

            if (blocks > 6)
            {
                TL.Store(TL.Fma(va, d6, TL.Load(ref Unsafe.Add(ref gr, 48))), ref Unsafe.Add(ref gr, 48));
            }

            if (blocks > 7)
            {
                TL.Store(TL.Fma(va, d7, TL.Load(ref Unsafe.Add(ref gr, 56))), ref Unsafe.Add(ref gr, 56));
            }

            if (tail < units)
            {
                TL.Store(gt, ref Unsafe.Add(ref gr, last));
            }
        }
    }

    /// <summary>Input delta: <c>dx[i] = Σ_j W[i, j] · dy[j]</c> (<c>dx = W · dy</c>).</summary>
    public static void BackpropInput(ReadOnlySpan<float> kernel, ReadOnlySpan<float> dy, Span<float> dx)
    {
        int inputs = dx.Length, units = dy.Length;
        CheckShapes(inputs, units, kernel.Length, units);
        ref float w = ref MemoryMarshal.GetReference(kernel);
        ref float d = ref MemoryMarshal.GetReference(dy);
        ref float xr = ref MemoryMarshal.GetReference(dx);
        for (int i = 0; i < inputs; i++)
        {
            Unsafe.Add(ref xr, i) = Dot(ref Unsafe.Add(ref w, (nint)i * units), ref d, units);
        }
    }
}
