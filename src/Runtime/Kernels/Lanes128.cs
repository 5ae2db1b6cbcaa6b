using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AotNet.Kernels;

/// <summary>Four float lanes (<see cref="Vector128{T}"/>: SSE, NEON).</summary>
public readonly struct Lanes128(Vector128<float> value) : ILanes<Lanes128>
{
    public readonly Vector128<float> Value = value;

    public static int Count => 4;

    public static bool IsHardwareAccelerated => Vector128.IsHardwareAccelerated;

    public static Lanes128 Zero => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Create(float value) => new(Vector128.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 CreateBits(int bits) => new(Vector128.Create(bits).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Load(ref float source, nuint offset) => new(Vector128.LoadUnsafe(ref source, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes128 value, ref float destination, nuint offset) => value.Value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 operator +(Lanes128 a, Lanes128 b) => new(a.Value + b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 operator -(Lanes128 a, Lanes128 b) => new(a.Value - b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 operator *(Lanes128 a, Lanes128 b) => new(a.Value * b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 operator /(Lanes128 a, Lanes128 b) => new(a.Value / b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 operator -(Lanes128 a) => new(-a.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 operator &(Lanes128 a, Lanes128 b) => new(a.Value & b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 operator |(Lanes128 a, Lanes128 b) => new(a.Value | b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 AndNot(Lanes128 a, Lanes128 b) => new(Vector128.AndNot(a.Value, b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Fma(Lanes128 a, Lanes128 b, Lanes128 c) => new(Vector128.FusedMultiplyAdd(a.Value, b.Value, c.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyAdd(ref Lanes128 acc, Lanes128 a, Lanes128 b) => Unsafe.As<Lanes128, Vector128<float>>(ref acc) = Vector128.FusedMultiplyAdd(a.Value, b.Value, acc.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyAdd(ref Lanes128 acc, Lanes128 a, ref float b) => Unsafe.As<Lanes128, Vector128<float>>(ref acc) = Vector128.FusedMultiplyAdd(a.Value, Vector128.LoadUnsafe(ref b), acc.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Max(Lanes128 a, Lanes128 b) => new(Vector128.Max(a.Value, b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Sqrt(Lanes128 a) => new(Vector128.Sqrt(a.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 LessThan(Lanes128 a, Lanes128 b) => new(Vector128.LessThan(a.Value, b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 GreaterThan(Lanes128 a, Lanes128 b) => new(Vector128.GreaterThan(a.Value, b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Equal(Lanes128 a, Lanes128 b) => new(Vector128.Equals(a.Value, b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Select(Lanes128 mask, Lanes128 ifTrue, Lanes128 ifFalse) => new(Vector128.ConditionalSelect(mask.Value, ifTrue.Value, ifFalse.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllZero(Lanes128 a) => Vector128.EqualsAll(a.Value, Vector128<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 AddInt32(Lanes128 a, Lanes128 b) => new((a.Value.AsInt32() + b.Value.AsInt32()).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 SubtractInt32(Lanes128 a, Lanes128 b) => new((a.Value.AsInt32() - b.Value.AsInt32()).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 ShiftLeftInt32(Lanes128 a, int count) => new(Vector128.ShiftLeft(a.Value.AsInt32(), count).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 ShiftRightLogicalInt32(Lanes128 a, int count) => new(Vector128.ShiftRightLogical(a.Value.AsInt32(), count).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 ShiftRightArithmeticInt32(Lanes128 a, int count) => new(Vector128.ShiftRightArithmetic(a.Value.AsInt32(), count).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 ConvertInt32ToSingle(Lanes128 a) => new(Vector128.ConvertToSingle(a.Value.AsInt32()));
}
