using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AotNet.Kernels;

/// <summary>
/// The only reductions over a vector's elements in training and prediction math, in a fixed order that does not
/// depend on the vector width, the hardware or the span's alignment.
/// </summary>
/// <remarks>
/// <para><b>The contract (<see cref="Dot(ref float, ref float, int)"/>, <see cref="Sum(ref float, int)"/>).</b> Over
/// <c>n</c> elements: eight lanes <c>s[j]</c> start at +0; the full blocks of eight, in ascending order, update lane
/// <c>j</c> with element <c>8b + j</c> (dot: <c>s[j] = fma(a, b, s[j])</c>; sum: <c>s[j] = s[j] + a</c>); the lanes are
/// combined by the fixed tree <c>((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7))</c>; then the <c>n mod 8</c> tail
/// elements are added one after another in ascending order (dot: <c>r = fma(a, b, r)</c>; sum: <c>r = r + a</c>).</para>
/// <para>So the logical width is always eight lanes: one <see cref="Vector256{T}"/> where 256-bit vectors are
/// accelerated (also on AVX-512 machines), two <see cref="Vector128{T}"/> (NEON, SSE) otherwise, eight scalar lanes
/// without SIMD. Each lane sees the same operations in the same order on every path, so every path returns the same
/// bits. TensorPrimitives' reductions (<c>Sum</c>, <c>Dot</c>) associate by the machine's vector width and are not used
/// in training or prediction math.</para>
/// </remarks>
public static class Reductions
{
    /// <summary><c>Σ a[i] · b[i]</c> in the fixed order of the contract.</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException("the spans' lengths differ");
        }

        return Dot(ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(b), a.Length);
    }

    /// <summary><c>Σ a[i]</c> in the fixed order of the contract.</summary>
    public static float Sum(ReadOnlySpan<float> a) => Sum(ref MemoryMarshal.GetReference(a), a.Length);

    /// <summary><see cref="Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> over <paramref name="n"/> elements from two refs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(ref float a, ref float b, int n)
    {
        int blocks = n >> 3;
        float r;
        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256<float>.Zero;
            for (int i = 0; i < blocks; i++)
            {
                s = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref a, (nuint)(i * 8)), Vector256.LoadUnsafe(ref b, (nuint)(i * 8)), s);
            }

            r = Combine(s);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var lo = Vector128<float>.Zero;
            var hi = Vector128<float>.Zero;
            for (int i = 0; i < blocks; i++)
            {
                lo = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref a, (nuint)(i * 8)), Vector128.LoadUnsafe(ref b, (nuint)(i * 8)), lo);
                hi = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref a, (nuint)((i * 8) + 4)), Vector128.LoadUnsafe(ref b, (nuint)((i * 8) + 4)), hi);
            }

            r = Combine(lo, hi);
        }
        else
        {
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
            for (int i = 0; i < blocks; i++)
            {
                ref float ai = ref Unsafe.Add(ref a, i * 8);
                ref float bi = ref Unsafe.Add(ref b, i * 8);
                s0 = MathF.FusedMultiplyAdd(ai, bi, s0);
                s1 = MathF.FusedMultiplyAdd(Unsafe.Add(ref ai, 1), Unsafe.Add(ref bi, 1), s1);
                s2 = MathF.FusedMultiplyAdd(Unsafe.Add(ref ai, 2), Unsafe.Add(ref bi, 2), s2);
                s3 = MathF.FusedMultiplyAdd(Unsafe.Add(ref ai, 3), Unsafe.Add(ref bi, 3), s3);
                s4 = MathF.FusedMultiplyAdd(Unsafe.Add(ref ai, 4), Unsafe.Add(ref bi, 4), s4);
                s5 = MathF.FusedMultiplyAdd(Unsafe.Add(ref ai, 5), Unsafe.Add(ref bi, 5), s5);
                s6 = MathF.FusedMultiplyAdd(Unsafe.Add(ref ai, 6), Unsafe.Add(ref bi, 6), s6);
                s7 = MathF.FusedMultiplyAdd(Unsafe.Add(ref ai, 7), Unsafe.Add(ref bi, 7), s7);
            }

            r = Combine(s0, s1, s2, s3, s4, s5, s6, s7);
        }

        for (int t = blocks * 8; t < n; t++)
        {
            r = MathF.FusedMultiplyAdd(Unsafe.Add(ref a, t), Unsafe.Add(ref b, t), r);
        }

        return r;
    }

    /// <summary><see cref="Sum(ReadOnlySpan{float})"/> over <paramref name="n"/> elements from a ref.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(ref float a, int n)
    {
        int blocks = n >> 3;
        float r;
        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256<float>.Zero;
            for (int i = 0; i < blocks; i++)
            {
                s += Vector256.LoadUnsafe(ref a, (nuint)(i * 8));
            }

            r = Combine(s);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var lo = Vector128<float>.Zero;
            var hi = Vector128<float>.Zero;
            for (int i = 0; i < blocks; i++)
            {
                lo += Vector128.LoadUnsafe(ref a, (nuint)(i * 8));
                hi += Vector128.LoadUnsafe(ref a, (nuint)((i * 8) + 4));
            }

            r = Combine(lo, hi);
        }
        else
        {
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
            for (int i = 0; i < blocks; i++)
            {
                ref float ai = ref Unsafe.Add(ref a, i * 8);
                s0 += ai;
                s1 += Unsafe.Add(ref ai, 1);
                s2 += Unsafe.Add(ref ai, 2);
                s3 += Unsafe.Add(ref ai, 3);
                s4 += Unsafe.Add(ref ai, 4);
                s5 += Unsafe.Add(ref ai, 5);
                s6 += Unsafe.Add(ref ai, 6);
                s7 += Unsafe.Add(ref ai, 7);
            }

            r = Combine(s0, s1, s2, s3, s4, s5, s6, s7);
        }

        for (int t = blocks * 8; t < n; t++)
        {
            r += Unsafe.Add(ref a, t);
        }

        return r;
    }

    /// <summary>The contract's tree over the eight lanes of one 256-bit accumulator.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Combine(Vector256<float> s) => Combine(s.GetLower(), s.GetUpper());

    /// <summary>The contract's tree over lanes 0–3 (<paramref name="lo"/>) and 4–7 (<paramref name="hi"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Combine(Vector128<float> lo, Vector128<float> hi)
    {
        var t = lo + hi; // s0+s4, s1+s5, s2+s6, s3+s7
        return (t.GetElement(0) + t.GetElement(2)) + (t.GetElement(1) + t.GetElement(3));
    }

    /// <summary>The contract's tree over eight scalar lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Combine(float s0, float s1, float s2, float s3, float s4, float s5, float s6, float s7) =>
        ((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7));
}
