using System.Runtime.CompilerServices;

namespace AotNet.Kernels;

/// <summary>
/// The matrix-vector engine of <see cref="Forward"/> for one row (inference of a single sample): the kernel is read once,
/// in strips of up to eight vectors of columns with the widest vectors the machine has, each strip's accumulators in
/// registers while the inputs pass over it. Every output is still one fused multiply-add chain from its bias over the
/// inputs in ascending order, so the results are the bits of the register-blocked tiles (<see cref="Gemm"/>).
/// </summary>
/// <remarks>
/// The tiles of <see cref="Gemm"/> keep six rows × two vectors in registers; with one row only two of those chains are
/// live, so each multiply-add waits for the one before it. Here one row has up to eight independent chains (eight
/// vectors of columns), enough to keep both FMA pipes busy, and the loads are whole rows of the strip (64 floats at 256
/// bits): the kernel streams through at memory speed.
/// </remarks>
public static partial class MatrixKernels
{
    /// <summary>Vectors of columns per strip of <see cref="MatVec"/>.</summary>
    private const int StripVectors = 8;

    /// <summary><c>y[n] = act(b[n] + Σ_k x[k] · w[k, n])</c> for one row, <c>n &lt; units</c>.</summary>
    private static void MatVec(ref float x, ref float w, nint ldw, ref float bias, ref float y, int inputs, int units, bool relu)
    {
        var strips = new MatVecStrips(ref x, ref w, ldw, ref bias, ref y, inputs, relu);
        Widths.Run(ref strips, units);
    }

    /// <summary><see cref="MatVec"/>'s operands for <see cref="Widths.Run{TLoop}"/>: its strips at one width.</summary>
    private readonly ref struct MatVecStrips(ref float x, ref float w, nint ldw, ref float bias, ref float y, int inputs, bool relu) : IBlockLoop
    {
        private readonly ref float _x = ref x;
        private readonly ref float _w = ref w;
        private readonly ref float _b = ref bias;
        private readonly ref float _y = ref y;

        public int Run<TL>(int j, int n)
            where TL : struct, ILanes<TL>
        {
            int width = TL.Count;
            for (; j + (StripVectors * width) <= n; j += StripVectors * width)
            {
                Strip<TL, C8>(ref _x, ref Unsafe.Add(ref _w, j), ldw, ref Unsafe.Add(ref _b, j), ref Unsafe.Add(ref _y, j), inputs, relu);
            }

            ref float wj = ref Unsafe.Add(ref _w, j);
            ref float bj = ref Unsafe.Add(ref _b, j);
            ref float yj = ref Unsafe.Add(ref _y, j);
            int vectors = (n - j) / width;
            switch (vectors)
            {
                case 1: Strip<TL, C1>(ref _x, ref wj, ldw, ref bj, ref yj, inputs, relu); break;
                case 2: Strip<TL, C2>(ref _x, ref wj, ldw, ref bj, ref yj, inputs, relu); break;
                case 3: Strip<TL, C3>(ref _x, ref wj, ldw, ref bj, ref yj, inputs, relu); break;
                case 4: Strip<TL, C4>(ref _x, ref wj, ldw, ref bj, ref yj, inputs, relu); break;
                case 5: Strip<TL, C5>(ref _x, ref wj, ldw, ref bj, ref yj, inputs, relu); break;
                case 6: Strip<TL, C6>(ref _x, ref wj, ldw, ref bj, ref yj, inputs, relu); break;
                case 7: Strip<TL, C7>(ref _x, ref wj, ldw, ref bj, ref yj, inputs, relu); break;
            }

            return j + (vectors * width);
        }
    }

    /// <summary><c>TV</c> vectors of neighbouring columns, one accumulator each, over all the inputs.</summary>
    private static void Strip<TL, TV>(ref float x, ref float w, nint ldw, ref float bias, ref float y, int inputs, bool relu)
        where TL : struct, ILanes<TL>
        where TV : struct, IConstant
    {
        int v = TV.Value;
        nint c = TL.Count;
        TL zero = TL.Zero;
        TL a0 = TL.Load(ref bias);
        TL a1 = v > 1 ? TL.Load(ref bias, (nuint)c) : zero;
        TL a2 = v > 2 ? TL.Load(ref bias, (nuint)(2 * c)) : zero;
        TL a3 = v > 3 ? TL.Load(ref bias, (nuint)(3 * c)) : zero;
        TL a4 = v > 4 ? TL.Load(ref bias, (nuint)(4 * c)) : zero;
        TL a5 = v > 5 ? TL.Load(ref bias, (nuint)(5 * c)) : zero;
        TL a6 = v > 6 ? TL.Load(ref bias, (nuint)(6 * c)) : zero;
        TL a7 = v > 7 ? TL.Load(ref bias, (nuint)(7 * c)) : zero;
        ref float row = ref w;
        for (int k = 0; k < inputs; k++)
        {
            TL xk = TL.Create(Unsafe.Add(ref x, k));
            TL.MultiplyAdd(ref a0, xk, ref row);
            if (v > 1)
            {
                TL.MultiplyAdd(ref a1, xk, ref Unsafe.Add(ref row, c));
            }

            if (v > 2)
            {
                TL.MultiplyAdd(ref a2, xk, ref Unsafe.Add(ref row, 2 * c));
            }

            if (v > 3)
            {
                TL.MultiplyAdd(ref a3, xk, ref Unsafe.Add(ref row, 3 * c));
            }

            if (v > 4)
            {
                TL.MultiplyAdd(ref a4, xk, ref Unsafe.Add(ref row, 4 * c));
            }

            if (v > 5)
            {
                TL.MultiplyAdd(ref a5, xk, ref Unsafe.Add(ref row, 5 * c));
            }

            if (v > 6)
            {
                TL.MultiplyAdd(ref a6, xk, ref Unsafe.Add(ref row, 6 * c));
            }

            if (v > 7)
            {
                TL.MultiplyAdd(ref a7, xk, ref Unsafe.Add(ref row, 7 * c));
            }

            row = ref Unsafe.Add(ref row, ldw);
        }

        StripEnd(a0, ref y, 0, relu);
        if (v > 1)
        {
            StripEnd(a1, ref y, c, relu);
        }

        if (v > 2)
        {
            StripEnd(a2, ref y, 2 * c, relu);
        }

        if (v > 3)
        {
            StripEnd(a3, ref y, 3 * c, relu);
        }

        if (v > 4)
        {
            StripEnd(a4, ref y, 4 * c, relu);
        }

        if (v > 5)
        {
            StripEnd(a5, ref y, 5 * c, relu);
        }

        if (v > 6)
        {
            StripEnd(a6, ref y, 6 * c, relu);
        }

        if (v > 7)
        {
            StripEnd(a7, ref y, 7 * c, relu);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StripEnd<TL>(TL value, ref float y, nint offset, bool relu)
        where TL : struct, ILanes<TL> =>
        TL.Store(relu ? TL.Max(value, TL.Zero) : value, ref y, (nuint)offset);
}
