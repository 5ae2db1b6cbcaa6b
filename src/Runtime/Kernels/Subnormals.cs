using System.Runtime.CompilerServices;

namespace AotNet.Kernels;

/// <summary>
/// The subnormal flush of training state (docs/determinism.md, "Subnormals"): a value whose magnitude is below the
/// smallest normal float, 2⁻¹²⁶, becomes exactly +0. Every optimizer state (RMSprop's <c>v</c>, Adam's <c>m</c> and
/// <c>v</c>, momentum buffers) and every weight that decays geometrically (decoupled weight decay) passes through it as
/// soon as it is computed, so a unit whose gradient stays 0 decays to 0 instead of sticking at 2⁻¹⁴⁹ for ever
/// (<c>0.9 · 2⁻¹⁴⁹</c> rounds back to <c>2⁻¹⁴⁹</c>), where every later multiply costs Intel CPUs a microcode assist.
/// </summary>
/// <remarks>
/// Integer operations on the lanes' bits only (<c>|x|</c> by clearing the sign, a subtraction, an arithmetic shift, an
/// and-not), so the flush is exact, takes no floating-point assist itself, and gives the same bits at every width, on
/// x64 and ARM64. Never the hardware's FTZ/DAZ modes (MXCSR, FPCR): .NET has no portable control of them, and they would
/// flush every operation rather than this rule's values. NaN and infinities pass unchanged; −0 becomes +0.
/// </remarks>
public static class Subnormals
{
    /// <summary>The bits of the smallest normal float, 2⁻¹²⁶ (<c>0x00800000</c>).</summary>
    public const int SmallestNormalBits = 0x0080_0000;

    /// <summary>The smallest normal float, 2⁻¹²⁶: magnitudes below it flush to +0.</summary>
    public static float SmallestNormal => BitConverter.Int32BitsToSingle(SmallestNormalBits);

    /// <summary><paramref name="x"/> with every lane whose magnitude is below 2⁻¹²⁶ (subnormals and ±0) set to +0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Flush<TV>(TV x)
        where TV : struct, ILanes<TV>
    {
        // |x|'s bits are in [0, 0x7FFFFFFF], so |x| − 2⁻¹²⁶ as integers is negative exactly for |x| < 2⁻¹²⁶, and the
        // arithmetic shift makes that sign the lane's mask
        var magnitude = TV.AndNot(x, TV.CreateBits(int.MinValue));
        var below = TV.ShiftRightArithmeticInt32(TV.SubtractInt32(magnitude, TV.CreateBits(SmallestNormalBits)), 31);
        return TV.AndNot(x, below);
    }

    /// <summary>The scalar rule: <paramref name="x"/>, or +0 when <c>|x| &lt; 2⁻¹²⁶</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Flush(float x) => Flush(new Scalar(x)).Value;

    /// <summary>Whether <paramref name="x"/> is subnormal (non-zero with magnitude below 2⁻¹²⁶).</summary>
    public static bool IsSubnormal(float x) => float.IsSubnormal(x);

    /// <summary>How many values of <paramref name="values"/> are subnormal (the debug probe of docs/determinism.md).</summary>
    public static int Count(ReadOnlySpan<float> values)
    {
        int count = 0;
        foreach (float v in values)
        {
            int magnitude = BitConverter.SingleToInt32Bits(v) & int.MaxValue;
            count += magnitude != 0 && magnitude < SmallestNormalBits ? 1 : 0;
        }

        return count;
    }
}
