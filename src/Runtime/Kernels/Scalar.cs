using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AotNet.Kernels;

/// <summary>One float lane: the scalar body of every kernel (tails, and machines without SIMD).</summary>
public readonly struct Scalar(float value) : ILanes<Scalar>
{
    public readonly float Value = value;

    public static int Count => 1;

    public static bool IsHardwareAccelerated => true;

    public static Scalar Zero => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar Create(float value) => new(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar CreateBits(int bits) => new(BitConverter.Int32BitsToSingle(bits));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar Load(ref float source, nuint offset) => new(Unsafe.Add(ref source, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Scalar value, ref float destination, nuint offset) => Unsafe.Add(ref destination, offset) = value.Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar operator +(Scalar a, Scalar b) => new(a.Value + b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar operator -(Scalar a, Scalar b) => new(a.Value - b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar operator *(Scalar a, Scalar b) => new(a.Value * b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar operator /(Scalar a, Scalar b) => new(a.Value / b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar operator -(Scalar a) => new(-a.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar operator &(Scalar a, Scalar b) => FromBits(Bits(a) & Bits(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar operator |(Scalar a, Scalar b) => FromBits(Bits(a) | Bits(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar AndNot(Scalar a, Scalar b) => FromBits(Bits(a) & ~Bits(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar Fma(Scalar a, Scalar b, Scalar c) => new(MathF.FusedMultiplyAdd(a.Value, b.Value, c.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyAdd(ref Scalar acc, Scalar a, Scalar b) => Unsafe.As<Scalar, float>(ref acc) = MathF.FusedMultiplyAdd(a.Value, b.Value, acc.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyAdd(ref Scalar acc, Scalar a, ref float b) => Unsafe.As<Scalar, float>(ref acc) = MathF.FusedMultiplyAdd(a.Value, b, acc.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar Max(Scalar a, Scalar b) => new(MathF.Max(a.Value, b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar Sqrt(Scalar a) => new(MathF.Sqrt(a.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar LessThan(Scalar a, Scalar b) => Mask(a.Value < b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar GreaterThan(Scalar a, Scalar b) => Mask(a.Value > b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar Equal(Scalar a, Scalar b) => Mask(a.Value == b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar Select(Scalar mask, Scalar ifTrue, Scalar ifFalse) => FromBits((Bits(mask) & Bits(ifTrue)) | (~Bits(mask) & Bits(ifFalse)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllZero(Scalar a) => a.Value == 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar AddInt32(Scalar a, Scalar b) => FromBits(Bits(a) + Bits(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar SubtractInt32(Scalar a, Scalar b) => FromBits(Bits(a) - Bits(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar ShiftLeftInt32(Scalar a, int count) => FromBits(Bits(a) << count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar ShiftRightLogicalInt32(Scalar a, int count) => FromBits(Bits(a) >>> count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar ShiftRightArithmeticInt32(Scalar a, int count) => FromBits(Bits(a) >> count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar ConvertInt32ToSingle(Scalar a) => new(Bits(a));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Bits(Scalar a) => BitConverter.SingleToInt32Bits(a.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Scalar FromBits(int bits) => new(BitConverter.Int32BitsToSingle(bits));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Scalar Mask(bool value) => FromBits(value ? -1 : 0);
}
