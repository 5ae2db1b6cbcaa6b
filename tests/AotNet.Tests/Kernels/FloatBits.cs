namespace AotNet.Tests.Kernels;

/// <summary>Float comparisons by bit pattern, for the kernels' same-bits checks (NaN payloads and signed zeros count).</summary>
internal static class FloatBits
{
    /// <summary>The IEEE bit patterns of <paramref name="values"/>, for <c>Assert.Equal</c>.</summary>
    public static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

    /// <summary>Asserts the same bits, with both values and their patterns in the message.</summary>
    public static void AssertBits(float expected, float actual) =>
        Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual), $"expected {expected:R} (0x{BitConverter.SingleToInt32Bits(expected):x8}), got {actual:R} (0x{BitConverter.SingleToInt32Bits(actual):x8})");
}
