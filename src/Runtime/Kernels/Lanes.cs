using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AotNet.Kernels;

/// <summary>
/// A block of <see cref="Count"/> float lanes: one float (<see cref="Scalar"/>), or a <see cref="Vector128{T}"/>,
/// <see cref="Vector256{T}"/> or <see cref="Vector512{T}"/> of floats (<see cref="Lanes128"/>, <see cref="Lanes256"/>,
/// <see cref="Lanes512"/>). Kernels are written once over this interface; every operation is exact or correctly rounded
/// per lane (IEEE 754 add, subtract, multiply, divide, square root, fused multiply-add, bit operations, comparisons), so a
/// lane computes the same bits whatever the block's width, the hardware or the C library.
/// </summary>
/// <remarks>Comparisons return masks (all bits set where true, +0 where false) for <see cref="Select"/> and the bit
/// operators. The <c>…Int32</c> members treat each lane's bits as a 32-bit integer.</remarks>
public interface ILanes<TSelf>
    where TSelf : struct, ILanes<TSelf>
{
    /// <summary>Lanes per block.</summary>
    static abstract int Count { get; }

    /// <summary>Whether this width runs on SIMD hardware (for <see cref="Scalar"/>: always).</summary>
    static abstract bool IsHardwareAccelerated { get; }

    /// <summary>+0 in every lane.</summary>
    static abstract TSelf Zero { get; }

    static abstract TSelf Create(float value);

    /// <summary>Every lane holds the float whose bits are <paramref name="bits"/>.</summary>
    static abstract TSelf CreateBits(int bits);

    static abstract TSelf Load(ref float source, nuint offset);

    static abstract void Store(TSelf value, ref float destination, nuint offset);

    /// <summary>The block at <paramref name="source"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TSelf Load(ref float source) => TSelf.Load(ref source, 0);

    /// <summary>Stores the block at <paramref name="destination"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual void Store(TSelf value, ref float destination) => TSelf.Store(value, ref destination, 0);

    static abstract TSelf operator +(TSelf a, TSelf b);

    static abstract TSelf operator -(TSelf a, TSelf b);

    static abstract TSelf operator *(TSelf a, TSelf b);

    static abstract TSelf operator /(TSelf a, TSelf b);

    static abstract TSelf operator -(TSelf a);

    static abstract TSelf operator &(TSelf a, TSelf b);

    static abstract TSelf operator |(TSelf a, TSelf b);

    /// <summary><c>a &amp; ~b</c>.</summary>
    static abstract TSelf AndNot(TSelf a, TSelf b);

    /// <summary><c>a · b + c</c> rounded once.</summary>
    static abstract TSelf Fma(TSelf a, TSelf b, TSelf c);

    /// <summary><c>acc = a · b + acc</c> rounded once (<see cref="Fma"/> into an accumulator): the form the JIT keeps in
    /// the accumulator's register (one <c>vfmadd231ps</c>), where <c>acc = Fma(a, b, acc)</c> through a wrapper struct
    /// costs a register copy per multiply-add.</summary>
    static abstract void MultiplyAdd(ref TSelf acc, TSelf a, TSelf b);

    /// <summary><c>acc = a · (the block at b) + acc</c> rounded once, the load folded into the multiply-add.</summary>
    static abstract void MultiplyAdd(ref TSelf acc, TSelf a, ref float b);

    static abstract TSelf Sqrt(TSelf a);

    /// <summary>The IEEE 754:2019 maximum, as <see cref="MathF.Max(float, float)"/>: NaN if either lane is NaN, and
    /// +0 above −0 (so <c>Max(a, Zero)</c> is the ReLU of <c>TensorPrimitives.Max(a, 0)</c>).</summary>
    static abstract TSelf Max(TSelf a, TSelf b);

    static abstract TSelf LessThan(TSelf a, TSelf b);

    static abstract TSelf GreaterThan(TSelf a, TSelf b);

    static abstract TSelf Equal(TSelf a, TSelf b);

    /// <summary>Per lane: <paramref name="ifTrue"/> where <paramref name="mask"/> is set, else <paramref name="ifFalse"/>.</summary>
    static abstract TSelf Select(TSelf mask, TSelf ifTrue, TSelf ifFalse);

    /// <summary>Whether every lane equals zero (+0 or −0).</summary>
    static abstract bool AllZero(TSelf a);

    static abstract TSelf AddInt32(TSelf a, TSelf b);

    static abstract TSelf SubtractInt32(TSelf a, TSelf b);

    static abstract TSelf ShiftLeftInt32(TSelf a, int count);

    static abstract TSelf ShiftRightLogicalInt32(TSelf a, int count);

    static abstract TSelf ShiftRightArithmeticInt32(TSelf a, int count);

    /// <summary>The lanes' bits as 32-bit integers, converted to float (exact below 2^24 in magnitude).</summary>
    static abstract TSelf ConvertInt32ToSingle(TSelf a);
}

/// <summary>
/// Eight logical lanes, the width of every dot product of the summation contract (<see cref="Reductions"/>): one
/// <see cref="Vector256{T}"/> (<see cref="Lanes256"/>) or two <see cref="Vector128{T}"/> (<see cref="Lanes128x2"/>: ARM64
/// NEON, x64 without AVX2). A kernel over this refinement keeps lane <c>j</c> of a block as the contract's lane <c>j</c>,
/// so its trees are the contract's at every width; element-wise kernels may use it as blocks of eight outputs too. Where
/// <see cref="ILanes{TSelf}.IsHardwareAccelerated"/> is false, kernels run their scalar loops instead.
/// </summary>
public interface IOctLanes<TSelf> : ILanes<TSelf>
    where TSelf : struct, IOctLanes<TSelf>
{
    /// <summary>The contract's tree <c>((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7))</c>.</summary>
    static abstract float Combine(TSelf lanes);

    /// <summary>The tree's first level: <c>(s0 + s4, s1 + s5, s2 + s6, s3 + s7)</c>.</summary>
    static abstract Vector128<float> Halves(TSelf lanes);

    /// <summary>Bit <c>j</c> set when lane <c>j</c>'s sign bit is set (of a mask: where it is true).</summary>
    static abstract uint SignBits(TSelf a);
}
