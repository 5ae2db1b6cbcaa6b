using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AotNet.Kernels;

/// <summary>Eight float lanes (<see cref="Vector256{T}"/>: AVX2, and AVX-512 machines): also the eight logical lanes of
/// every dot product (<see cref="IOctLanes{TSelf}"/>) in one vector.</summary>
public readonly struct Lanes256(Vector256<float> value) : IOctLanes<Lanes256>
{
    public readonly Vector256<float> Value = value;

    public static int Count => 8;

    public static bool IsHardwareAccelerated => Vector256.IsHardwareAccelerated;

    public static Lanes256 Zero => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Create(float value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 CreateBits(int bits) => new(Vector256.Create(bits).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Load(ref float source, nuint offset) => new(Vector256.LoadUnsafe(ref source, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes256 value, ref float destination, nuint offset) => value.Value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator +(Lanes256 a, Lanes256 b) => new(a.Value + b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator -(Lanes256 a, Lanes256 b) => new(a.Value - b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator *(Lanes256 a, Lanes256 b) => new(a.Value * b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator /(Lanes256 a, Lanes256 b) => new(a.Value / b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator -(Lanes256 a) => new(-a.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator &(Lanes256 a, Lanes256 b) => new(a.Value & b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator |(Lanes256 a, Lanes256 b) => new(a.Value | b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 AndNot(Lanes256 a, Lanes256 b) => new(Vector256.AndNot(a.Value, b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Fma(Lanes256 a, Lanes256 b, Lanes256 c) => new(Vector256.FusedMultiplyAdd(a.Value, b.Value, c.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyAdd(ref Lanes256 acc, Lanes256 a, Lanes256 b) => Unsafe.As<Lanes256, Vector256<float>>(ref acc) = Vector256.FusedMultiplyAdd(a.Value, b.Value, acc.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyAdd(ref Lanes256 acc, Lanes256 a, ref float b) => Unsafe.As<Lanes256, Vector256<float>>(ref acc) = Vector256.FusedMultiplyAdd(a.Value, Vector256.LoadUnsafe(ref b), acc.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Max(Lanes256 a, Lanes256 b) => new(Vector256.Max(a.Value, b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Sqrt(Lanes256 a) => new(Vector256.Sqrt(a.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 LessThan(Lanes256 a, Lanes256 b) => new(Vector256.LessThan(a.Value, b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 GreaterThan(Lanes256 a, Lanes256 b) => new(Vector256.GreaterThan(a.Value, b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Equal(Lanes256 a, Lanes256 b) => new(Vector256.Equals(a.Value, b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Select(Lanes256 mask, Lanes256 ifTrue, Lanes256 ifFalse) => new(Vector256.ConditionalSelect(mask.Value, ifTrue.Value, ifFalse.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllZero(Lanes256 a) => Vector256.EqualsAll(a.Value, Vector256<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 AddInt32(Lanes256 a, Lanes256 b) => new((a.Value.AsInt32() + b.Value.AsInt32()).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 SubtractInt32(Lanes256 a, Lanes256 b) => new((a.Value.AsInt32() - b.Value.AsInt32()).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 ShiftLeftInt32(Lanes256 a, int count) => new(Vector256.ShiftLeft(a.Value.AsInt32(), count).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 ShiftRightLogicalInt32(Lanes256 a, int count) => new(Vector256.ShiftRightLogical(a.Value.AsInt32(), count).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 ShiftRightArithmeticInt32(Lanes256 a, int count) => new(Vector256.ShiftRightArithmetic(a.Value.AsInt32(), count).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 ConvertInt32ToSingle(Lanes256 a) => new(Vector256.ConvertToSingle(a.Value.AsInt32()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Combine(Lanes256 lanes) => Reductions.Combine(lanes.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Halves(Lanes256 lanes) => lanes.Value.GetLower() + lanes.Value.GetUpper();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint SignBits(Lanes256 a) => a.Value.ExtractMostSignificantBits();
}
