using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AotNet.Kernels;

/// <summary>
/// Row kernels of a dense layer <c>y = x · W + b</c> with <c>W</c> stored [inputs, units] row-major.
/// Generated models call these once per layer and row. All sums run in the same order on the vector body
/// and on the scalar tail (bias first, then input rows in ascending order, fused multiply-adds), so a
/// column's value does not depend on where it falls relative to the vector width, and a sparse multi-hot
/// row gives bit-identical results to its dense 0/1 form.
/// </summary>
/// <remarks>
/// Each kernel is written once over blocks of eight lanes (<see cref="IOctLanes{TSelf}"/>): one <see cref="Vector256{T}"/>
/// where 256-bit vectors are accelerated (AVX2, AVX-512), two <see cref="Vector128{T}"/> otherwise (ARM64 NEON, x64
/// without AVX2), and the scalar loops without SIMD. Every lane sees the same operations in the same order on each
/// path, and the dot products follow <see cref="Reductions"/>, so all paths give the same bits.
/// </remarks>
public static partial class DenseKernels
{
    /// <summary>Rows per bit mask in <see cref="Affine"/> and the fused optimizer kernels.</summary>
    internal const int MaskBlock = 64;

    private const int Width = 8; // Vector256<float>.Count

    /// <summary><c>Σ_j row[j] · d[j]</c> in the fixed order of <see cref="Reductions"/> (the same at every vector width).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Dot(ref float row, ref float d, int units) => Reductions.Dot(ref row, ref d, units);

    /// <summary><c>sum += values</c> (bias gradients).</summary>
    public static void Accumulate(ReadOnlySpan<float> values, Span<float> sum)
    {
        if (values.Length != sum.Length)
        {
            throw new ArgumentException("lengths differ");
        }

        if (Vector256.IsHardwareAccelerated)
        {
            Add<Lanes256>(ref MemoryMarshal.GetReference(values), ref MemoryMarshal.GetReference(sum), values.Length);
        }
        else
        {
            Add<Lanes128x2>(ref MemoryMarshal.GetReference(values), ref MemoryMarshal.GetReference(sum), values.Length);
        }
    }

    /// <summary><c>y[j] = fma(a, x[j], y[j])</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Axpy<TL>(float a, ref float x, ref float y, int n)
        where TL : struct, IOctLanes<TL>
    {
        int j = 0;
        if (TL.IsHardwareAccelerated)
        {
            var va = TL.Create(a);
            for (; j + Width <= n; j += Width)
            {
                ref float yj = ref Unsafe.Add(ref y, j);
                TL.Store(TL.Fma(va, TL.Load(ref Unsafe.Add(ref x, j)), TL.Load(ref yj)), ref yj);
            }
        }

        for (; j < n; j++)
        {
            Unsafe.Add(ref y, j) = MathF.FusedMultiplyAdd(a, Unsafe.Add(ref x, j), Unsafe.Add(ref y, j));
        }
    }

    /// <summary><c>y[j] = x[j] + y[j]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add<TL>(ref float x, ref float y, int n)
        where TL : struct, IOctLanes<TL>
    {
        int j = 0;
        if (TL.IsHardwareAccelerated)
        {
            for (; j + Width <= n; j += Width)
            {
                ref float yj = ref Unsafe.Add(ref y, j);
                TL.Store(TL.Load(ref Unsafe.Add(ref x, j)) + TL.Load(ref yj), ref yj);
            }
        }

        for (; j < n; j++)
        {
            Unsafe.Add(ref y, j) += Unsafe.Add(ref x, j);
        }
    }

    private static void CheckShapes(int inputs, int units, int kernelLength, int outputLength)
    {
        if ((long)inputs * units != kernelLength || outputLength != units)
        {
            throw new ArgumentException($"shape mismatch: {inputs} inputs x {units} units vs kernel of {kernelLength} and output of {outputLength}");
        }
    }

    private static void CheckColumns(ReadOnlySpan<int> active, int inputs)
    {
        // as unsigned numbers, negative columns are larger than any valid one
        var columns = MemoryMarshal.Cast<int, uint>(active);
        int k = 0;
        ref uint c = ref MemoryMarshal.GetReference(columns);
        if (Vector256.IsHardwareAccelerated)
        {
            var limit = Vector256.Create((uint)inputs);
            for (; k + Width <= columns.Length; k += Width)
            {
                if (Vector256.GreaterThanOrEqualAny(Vector256.LoadUnsafe(ref c, (nuint)k), limit))
                {
                    break; // the scalar loop below names the culprit
                }
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var limit = Vector128.Create((uint)inputs);
            for (; k + 4 <= columns.Length; k += 4)
            {
                if (Vector128.GreaterThanOrEqualAny(Vector128.LoadUnsafe(ref c, (nuint)k), limit))
                {
                    break;
                }
            }
        }

        for (; k < columns.Length; k++)
        {
            if (columns[k] >= (uint)inputs)
            {
                throw new ArgumentOutOfRangeException(nameof(active), active[k], $"active column outside [0, {inputs})");
            }
        }
    }
}
