using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AotNet.Kernels;

/// <summary>Multi-hot rows kept sparse: the forward pass over the active columns and the scatter-add of their kernel rows' gradient.</summary>
public static partial class DenseKernels
{
    /// <summary>Multi-hot input: <c>y = b + Σ_{c ∈ active} W[c, :]</c> (the dense form with ones at <paramref name="active"/>).</summary>
    public static void SparseAffine(ReadOnlySpan<int> active, ReadOnlySpan<float> kernel, ReadOnlySpan<float> bias, Span<float> y)
    {
        int units = bias.Length;
        if (units == 0 || kernel.Length % units != 0 || y.Length != units)
        {
            throw new ArgumentException("kernel, bias and output shapes do not match");
        }

        int inputs = kernel.Length / units;
        CheckColumns(active, inputs);
        bias.CopyTo(y);
        ref int cr = ref MemoryMarshal.GetReference(active);
        ref float w = ref MemoryMarshal.GetReference(kernel);
        ref float yr = ref MemoryMarshal.GetReference(y);
        if (Vector256.IsHardwareAccelerated)
        {
            SparseAccumulate<Lanes256>(ref cr, active.Length, ref w, ref yr, units);
        }
        else
        {
            SparseAccumulate<Lanes128x2>(ref cr, active.Length, ref w, ref yr, units);
        }
    }

    /// <summary><c>y += Σ_k W[active[k], :]</c>, the rows added in order.</summary>
    private static void SparseAccumulate<TL>(ref int cr, int count, ref float w, ref float yr, int units)
        where TL : struct, IOctLanes<TL>
    {
        int j = 0;
        if (TL.IsHardwareAccelerated)
        {
            // 64 columns per pass: each gathered kernel row is read once, a whole cache-line group at a time
            for (; j + (8 * Width) <= units; j += 8 * Width)
            {
                ref float yj = ref Unsafe.Add(ref yr, j);
                var a0 = TL.Load(ref yj);
                var a1 = TL.Load(ref Unsafe.Add(ref yj, Width));
                var a2 = TL.Load(ref Unsafe.Add(ref yj, 2 * Width));
                var a3 = TL.Load(ref Unsafe.Add(ref yj, 3 * Width));
                var a4 = TL.Load(ref Unsafe.Add(ref yj, 4 * Width));
                var a5 = TL.Load(ref Unsafe.Add(ref yj, 5 * Width));
                var a6 = TL.Load(ref Unsafe.Add(ref yj, 6 * Width));
                var a7 = TL.Load(ref Unsafe.Add(ref yj, 7 * Width));
                for (int k = 0; k < count; k++)
                {
                    ref float row = ref Unsafe.Add(ref w, (nint)Unsafe.Add(ref cr, k) * units + j);
                    a0 = a0 + TL.Load(ref row);
                    a1 = a1 + TL.Load(ref Unsafe.Add(ref row, Width));
                    a2 = a2 + TL.Load(ref Unsafe.Add(ref row, 2 * Width));
                    a3 = a3 + TL.Load(ref Unsafe.Add(ref row, 3 * Width));
                    a4 = a4 + TL.Load(ref Unsafe.Add(ref row, 4 * Width));
                    a5 = a5 + TL.Load(ref Unsafe.Add(ref row, 5 * Width));
                    a6 = a6 + TL.Load(ref Unsafe.Add(ref row, 6 * Width));
                    a7 = a7 + TL.Load(ref Unsafe.Add(ref row, 7 * Width));
                }

                TL.Store(a0, ref yj);
                TL.Store(a1, ref Unsafe.Add(ref yj, Width));
                TL.Store(a2, ref Unsafe.Add(ref yj, 2 * Width));
                TL.Store(a3, ref Unsafe.Add(ref yj, 3 * Width));
                TL.Store(a4, ref Unsafe.Add(ref yj, 4 * Width));
                TL.Store(a5, ref Unsafe.Add(ref yj, 5 * Width));
                TL.Store(a6, ref Unsafe.Add(ref yj, 6 * Width));
                TL.Store(a7, ref Unsafe.Add(ref yj, 7 * Width));
            }

            for (; j + (2 * Width) <= units; j += 2 * Width)
            {
                ref float yj = ref Unsafe.Add(ref yr, j);
                var a0 = TL.Load(ref yj);
                var a1 = TL.Load(ref Unsafe.Add(ref yj, Width));
                for (int k = 0; k < count; k++)
                {
                    ref float row = ref Unsafe.Add(ref w, (nint)Unsafe.Add(ref cr, k) * units + j);
                    a0 = a0 + TL.Load(ref row);
                    a1 = a1 + TL.Load(ref Unsafe.Add(ref row, Width));
                }

                TL.Store(a0, ref yj);
                TL.Store(a1, ref Unsafe.Add(ref yj, Width));
            }

            for (; j + Width <= units; j += Width)
            {
                ref float yj = ref Unsafe.Add(ref yr, j);
                var a0 = TL.Load(ref yj);
                for (int k = 0; k < count; k++)
                {
                    a0 = a0 + TL.Load(ref Unsafe.Add(ref w, (nint)Unsafe.Add(ref cr, k) * units + j));
                }

                TL.Store(a0, ref yj);
            }
        }

        for (; j < units; j++)
        {
            float s = Unsafe.Add(ref yr, j);
            for (int k = 0; k < count; k++)
            {
                s += Unsafe.Add(ref w, (nint)Unsafe.Add(ref cr, k) * units + j);
            }

            Unsafe.Add(ref yr, j) = s;
        }
    }

    /// <summary>Multi-hot kernel gradient: <c>dW[c, :] += dy</c> for every active column <c>c</c>.</summary>
    public static void ScatterAddRows(ReadOnlySpan<int> active, ReadOnlySpan<float> dy, Span<float> kernelGradient)
    {
        int units = dy.Length;
        if (units == 0 || kernelGradient.Length % units != 0)
        {
            throw new ArgumentException("kernel gradient and delta shapes do not match");
        }

        CheckColumns(active, kernelGradient.Length / units);
        ref float d = ref MemoryMarshal.GetReference(dy);
        ref float g = ref MemoryMarshal.GetReference(kernelGradient);
        foreach (int c in active)
        {
            if (Vector256.IsHardwareAccelerated)
            {
                Add<Lanes256>(ref d, ref Unsafe.Add(ref g, (nint)c * units), units);
            }
            else
            {
                Add<Lanes128x2>(ref d, ref Unsafe.Add(ref g, (nint)c * units), units);
            }
        }
    }
}
