using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AotNet.Kernels;

/// <summary>
/// Eight float lanes as two <see cref="Vector128{T}"/>, lanes 0–3 in <see cref="Lo"/> and 4–7 in <see cref="Hi"/>: the
/// eight logical lanes of the summation contract (<see cref="IOctLanes{TSelf}"/>) where 256-bit vectors are not
/// accelerated (ARM64 NEON, x64 without AVX2). Every operation is the 128-bit one on each half.
/// </summary>
public readonly struct Lanes128x2(Vector128<float> lo, Vector128<float> hi) : IOctLanes<Lanes128x2>
{
    public readonly Vector128<float> Lo = lo;

    public readonly Vector128<float> Hi = hi;

    public static int Count => 8;

    public static bool IsHardwareAccelerated => Vector128.IsHardwareAccelerated;

    public static Lanes128x2 Zero => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 Create(float value) => new(Vector128.Create(value), Vector128.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 CreateBits(int bits) => new(Vector128.Create(bits).AsSingle(), Vector128.Create(bits).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 Load(ref float source, nuint offset) => new(Vector128.LoadUnsafe(ref source, offset), Vector128.LoadUnsafe(ref source, offset + 4));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes128x2 value, ref float destination, nuint offset)
    {
        value.Lo.StoreUnsafe(ref destination, offset);
        value.Hi.StoreUnsafe(ref destination, offset + 4);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 operator +(Lanes128x2 a, Lanes128x2 b) => new(a.Lo + b.Lo, a.Hi + b.Hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 operator -(Lanes128x2 a, Lanes128x2 b) => new(a.Lo - b.Lo, a.Hi - b.Hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 operator *(Lanes128x2 a, Lanes128x2 b) => new(a.Lo * b.Lo, a.Hi * b.Hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 operator /(Lanes128x2 a, Lanes128x2 b) => new(a.Lo / b.Lo, a.Hi / b.Hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 operator &(Lanes128x2 a, Lanes128x2 b) => new(a.Lo & b.Lo, a.Hi & b.Hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 operator |(Lanes128x2 a, Lanes128x2 b) => new(a.Lo | b.Lo, a.Hi | b.Hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 operator -(Lanes128x2 a) => new(-a.Lo, -a.Hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 AndNot(Lanes128x2 a, Lanes128x2 b) => new(Vector128.AndNot(a.Lo, b.Lo), Vector128.AndNot(a.Hi, b.Hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 Fma(Lanes128x2 a, Lanes128x2 b, Lanes128x2 c) => new(Vector128.FusedMultiplyAdd(a.Lo, b.Lo, c.Lo), Vector128.FusedMultiplyAdd(a.Hi, b.Hi, c.Hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyAdd(ref Lanes128x2 acc, Lanes128x2 a, Lanes128x2 b)
    {
        ref Vector128<float> lo = ref Unsafe.As<Lanes128x2, Vector128<float>>(ref acc);
        Unsafe.Add(ref lo, 1) = Vector128.FusedMultiplyAdd(a.Hi, b.Hi, acc.Hi);
        lo = Vector128.FusedMultiplyAdd(a.Lo, b.Lo, acc.Lo);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyAdd(ref Lanes128x2 acc, Lanes128x2 a, ref float b) => MultiplyAdd(ref acc, a, Load(ref b, 0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 Max(Lanes128x2 a, Lanes128x2 b) => new(Vector128.Max(a.Lo, b.Lo), Vector128.Max(a.Hi, b.Hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 Sqrt(Lanes128x2 a) => new(Vector128.Sqrt(a.Lo), Vector128.Sqrt(a.Hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 LessThan(Lanes128x2 a, Lanes128x2 b) => new(Vector128.LessThan(a.Lo, b.Lo), Vector128.LessThan(a.Hi, b.Hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 GreaterThan(Lanes128x2 a, Lanes128x2 b) => new(Vector128.GreaterThan(a.Lo, b.Lo), Vector128.GreaterThan(a.Hi, b.Hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 Equal(Lanes128x2 a, Lanes128x2 b) => new(Vector128.Equals(a.Lo, b.Lo), Vector128.Equals(a.Hi, b.Hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 Select(Lanes128x2 mask, Lanes128x2 ifTrue, Lanes128x2 ifFalse) => new(Vector128.ConditionalSelect(mask.Lo, ifTrue.Lo, ifFalse.Lo), Vector128.ConditionalSelect(mask.Hi, ifTrue.Hi, ifFalse.Hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllZero(Lanes128x2 a) => Vector128.EqualsAll(a.Lo, Vector128<float>.Zero) && Vector128.EqualsAll(a.Hi, Vector128<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 AddInt32(Lanes128x2 a, Lanes128x2 b) => new((a.Lo.AsInt32() + b.Lo.AsInt32()).AsSingle(), (a.Hi.AsInt32() + b.Hi.AsInt32()).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 SubtractInt32(Lanes128x2 a, Lanes128x2 b) => new((a.Lo.AsInt32() - b.Lo.AsInt32()).AsSingle(), (a.Hi.AsInt32() - b.Hi.AsInt32()).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 ShiftLeftInt32(Lanes128x2 a, int count) => new(Vector128.ShiftLeft(a.Lo.AsInt32(), count).AsSingle(), Vector128.ShiftLeft(a.Hi.AsInt32(), count).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 ShiftRightLogicalInt32(Lanes128x2 a, int count) => new(Vector128.ShiftRightLogical(a.Lo.AsInt32(), count).AsSingle(), Vector128.ShiftRightLogical(a.Hi.AsInt32(), count).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 ShiftRightArithmeticInt32(Lanes128x2 a, int count) => new(Vector128.ShiftRightArithmetic(a.Lo.AsInt32(), count).AsSingle(), Vector128.ShiftRightArithmetic(a.Hi.AsInt32(), count).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128x2 ConvertInt32ToSingle(Lanes128x2 a) => new(Vector128.ConvertToSingle(a.Lo.AsInt32()), Vector128.ConvertToSingle(a.Hi.AsInt32()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Combine(Lanes128x2 lanes) => Reductions.Combine(lanes.Lo, lanes.Hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Halves(Lanes128x2 lanes) => lanes.Lo + lanes.Hi;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint SignBits(Lanes128x2 a) => a.Lo.ExtractMostSignificantBits() | (a.Hi.ExtractMostSignificantBits() << 4);
}
