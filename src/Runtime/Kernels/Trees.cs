using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace AotNet.Kernels;

/// <summary>Four outputs' trees at once.</summary>
internal static class Trees
{
    /// <summary>
    /// Lane <c>i</c> of the result is <c>(t_i[0] + t_i[2]) + (t_i[1] + t_i[3])</c>: with <c>t_i</c> from
    /// <see cref="IOctLanes{TSelf}.Halves"/> that is the contract's tree of output <c>i</c>, the same bits as
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
