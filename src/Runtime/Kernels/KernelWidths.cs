using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace AotNet.Kernels;

/// <summary>
/// One vector width's element-wise operations, so that a kernel is written once and instantiated per width
/// (the shape of TensorPrimitives' operator structs). Every operation is per lane, so a kernel whose outputs are
/// lanes gives the same bits at every width: a wider vector only computes more outputs at once.
/// </summary>
internal interface IVectorOps<TV>
    where TV : struct
{
    /// <summary>Floats per vector.</summary>
    static abstract int Count { get; }

    static abstract TV Zero { get; }

    static abstract TV Broadcast(float value);

    static abstract TV Load(ref float source);

    static abstract void Store(TV value, ref float destination);

    /// <summary><c>a · b + c</c> rounded once.</summary>
    static abstract TV Fma(TV a, TV b, TV c);

    static abstract TV Add(TV a, TV b);

    /// <summary><c>max(a, 0)</c> as <c>TensorPrimitives.Max(a, 0)</c>: NaN stays NaN, −0 becomes +0.</summary>
    static abstract TV Relu(TV a);
}

/// <summary>One float: the scalar path and the columns left after the vectors.</summary>
internal readonly struct ScalarOps : IVectorOps<float>
{
    public static int Count => 1;

    public static float Zero => 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Broadcast(float value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(ref float source) => source;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float value, ref float destination) => destination = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Fma(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Add(float a, float b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Relu(float a) => MathF.Max(a, 0f);
}

internal readonly struct Vector128Ops : IVectorOps<Vector128<float>>
{
    public static int Count => 4;

    public static Vector128<float> Zero => Vector128<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(ref float source) => Vector128.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, ref float destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Fma(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Relu(Vector128<float> a) => Vector128.Max(a, Vector128<float>.Zero);
}

internal readonly struct Vector256Ops : IVectorOps<Vector256<float>>
{
    public static int Count => 8;

    public static Vector256<float> Zero => Vector256<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source) => Vector256.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Relu(Vector256<float> a) => Vector256.Max(a, Vector256<float>.Zero);
}

internal readonly struct Vector512Ops : IVectorOps<Vector512<float>>
{
    public static int Count => 16;

    public static Vector512<float> Zero => Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float source) => Vector512.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Relu(Vector512<float> a) => Vector512.Max(a, Vector512<float>.Zero);
}

/// <summary>
/// Eight logical lanes, the width of every dot product (<see cref="Reductions"/>): one <see cref="Vector256{T}"/>
/// or two <see cref="Vector128{T}"/>. Element-wise kernels may use them as blocks of eight outputs too.
/// </summary>
internal interface IOctOps<T8> : IVectorOps<T8>
    where T8 : struct
{
    /// <summary>Whether these vectors are accelerated here; kernels skip their vector loops (and run the scalar ones) when not.</summary>
    static abstract bool IsAccelerated { get; }

    /// <summary>The contract's tree <c>((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7))</c>.</summary>
    static abstract float Combine(T8 lanes);

    /// <summary>The tree's first level: <c>(s0 + s4, s1 + s5, s2 + s6, s3 + s7)</c>.</summary>
    static abstract Vector128<float> Halves(T8 lanes);

    /// <summary>Lanes that are not zero (NaN is not zero): all bits set, else zero.</summary>
    static abstract T8 NonZero(T8 a);

    /// <summary>Lanes that are greater than zero: all bits set, else zero.</summary>
    static abstract T8 Positive(T8 a);

    /// <summary>Bit <c>j</c> set when lane <c>j</c>'s sign bit is set.</summary>
    static abstract uint SignBits(T8 a);

    static abstract T8 And(T8 a, T8 b);

    static abstract bool AllZero(T8 a);
}

/// <summary>Eight lanes in one 256-bit vector (AVX2, and AVX-512 machines).</summary>
internal readonly struct Oct256 : IOctOps<Vector256<float>>
{
    public static bool IsAccelerated => Vector256.IsHardwareAccelerated;

    public static int Count => 8;

    public static Vector256<float> Zero => Vector256<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source) => Vector256.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Relu(Vector256<float> a) => Vector256.Max(a, Vector256<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Combine(Vector256<float> lanes) => Reductions.Combine(lanes);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Halves(Vector256<float> lanes) => lanes.GetLower() + lanes.GetUpper();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> NonZero(Vector256<float> a) => ~Vector256.Equals(a, Vector256<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Positive(Vector256<float> a) => Vector256.GreaterThan(a, Vector256<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint SignBits(Vector256<float> a) => a.ExtractMostSignificantBits();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> And(Vector256<float> a, Vector256<float> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllZero(Vector256<float> a) => Vector256.EqualsAll(a, Vector256<float>.Zero);
}

/// <summary>Eight lanes as two 128-bit vectors: lanes 0–3 and 4–7.</summary>
internal struct Pair128
{
    public Vector128<float> Lo;
    public Vector128<float> Hi;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Pair128(Vector128<float> lo, Vector128<float> hi)
    {
        Lo = lo;
        Hi = hi;
    }
}

/// <summary>Eight lanes in two 128-bit vectors (ARM64 NEON, x64 without AVX2).</summary>
internal readonly struct Oct128 : IOctOps<Pair128>
{
    public static bool IsAccelerated => Vector128.IsHardwareAccelerated;

    public static int Count => 8;

    public static Pair128 Zero => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair128 Broadcast(float value)
    {
        var v = Vector128.Create(value);
        return new Pair128(v, v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair128 Load(ref float source) => new(Vector128.LoadUnsafe(ref source), Vector128.LoadUnsafe(ref source, 4));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Pair128 value, ref float destination)
    {
        value.Lo.StoreUnsafe(ref destination);
        value.Hi.StoreUnsafe(ref destination, 4);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair128 Fma(Pair128 a, Pair128 b, Pair128 c) =>
        new(Vector128.FusedMultiplyAdd(a.Lo, b.Lo, c.Lo), Vector128.FusedMultiplyAdd(a.Hi, b.Hi, c.Hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair128 Add(Pair128 a, Pair128 b) => new(a.Lo + b.Lo, a.Hi + b.Hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair128 Relu(Pair128 a) => new(Vector128.Max(a.Lo, Vector128<float>.Zero), Vector128.Max(a.Hi, Vector128<float>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Combine(Pair128 lanes) => Reductions.Combine(lanes.Lo, lanes.Hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Halves(Pair128 lanes) => lanes.Lo + lanes.Hi;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair128 NonZero(Pair128 a) =>
        new(~Vector128.Equals(a.Lo, Vector128<float>.Zero), ~Vector128.Equals(a.Hi, Vector128<float>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair128 Positive(Pair128 a) =>
        new(Vector128.GreaterThan(a.Lo, Vector128<float>.Zero), Vector128.GreaterThan(a.Hi, Vector128<float>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint SignBits(Pair128 a) => a.Lo.ExtractMostSignificantBits() | (a.Hi.ExtractMostSignificantBits() << 4);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair128 And(Pair128 a, Pair128 b) => new(a.Lo & b.Lo, a.Hi & b.Hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllZero(Pair128 a) => Vector128.EqualsAll(a.Lo, Vector128<float>.Zero) && Vector128.EqualsAll(a.Hi, Vector128<float>.Zero);
}

/// <summary>Four outputs' trees at once.</summary>
internal static class Trees
{
    /// <summary>
    /// Lane <c>i</c> of the result is <c>(t_i[0] + t_i[2]) + (t_i[1] + t_i[3])</c>: with <c>t_i</c> from
    /// <see cref="IOctOps{T8}.Halves"/> that is the contract's tree of output <c>i</c>, the same bits as
    /// <see cref="Reductions.Combine(Vector128{float}, Vector128{float})"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Four(Vector128<float> t0, Vector128<float> t1, Vector128<float> t2, Vector128<float> t3)
    {
        if (Sse.IsSupported)
        {
            // (t0[0], t0[1], t1[0], t1[1]) + (t0[2], t0[3], t1[2], t1[3]) = (u00, u01, u10, u11)
            var p = Sse.MoveLowToHigh(t0, t1) + Sse.MoveHighToLow(t1, t0);
            var q = Sse.MoveLowToHigh(t2, t3) + Sse.MoveHighToLow(t3, t2);
            return Sse.Shuffle(p, q, 0b10_00_10_00) + Sse.Shuffle(p, q, 0b11_01_11_01);
        }

        if (AdvSimd.Arm64.IsSupported)
        {
            var p = AdvSimd.Arm64.ZipLow(t0.AsDouble(), t1.AsDouble()).AsSingle() + AdvSimd.Arm64.ZipHigh(t0.AsDouble(), t1.AsDouble()).AsSingle();
            var q = AdvSimd.Arm64.ZipLow(t2.AsDouble(), t3.AsDouble()).AsSingle() + AdvSimd.Arm64.ZipHigh(t2.AsDouble(), t3.AsDouble()).AsSingle();
            return AdvSimd.Arm64.UnzipEven(p, q) + AdvSimd.Arm64.UnzipOdd(p, q);
        }

        return Vector128.Create(
            (t0.GetElement(0) + t0.GetElement(2)) + (t0.GetElement(1) + t0.GetElement(3)),
            (t1.GetElement(0) + t1.GetElement(2)) + (t1.GetElement(1) + t1.GetElement(3)),
            (t2.GetElement(0) + t2.GetElement(2)) + (t2.GetElement(1) + t2.GetElement(3)),
            (t3.GetElement(0) + t3.GetElement(2)) + (t3.GetElement(1) + t3.GetElement(3)));
    }
}

/// <summary>A compile-time integer for generic kernels (tile sizes, block counts), so that tests on it fold away.</summary>
internal interface IConstant
{
    static abstract int Value { get; }
}

internal readonly struct C1 : IConstant { public static int Value => 1; }

internal readonly struct C2 : IConstant { public static int Value => 2; }

internal readonly struct C3 : IConstant { public static int Value => 3; }

internal readonly struct C4 : IConstant { public static int Value => 4; }

internal readonly struct C5 : IConstant { public static int Value => 5; }

internal readonly struct C6 : IConstant { public static int Value => 6; }

internal readonly struct C7 : IConstant { public static int Value => 7; }

internal readonly struct C8 : IConstant { public static int Value => 8; }
