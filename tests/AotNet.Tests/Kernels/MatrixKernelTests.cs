using AotNet.Kernels;
using AotNet.Training;
using static AotNet.Tests.Kernels.FloatBits;

namespace AotNet.Tests.Kernels;

/// <summary>
/// <see cref="MatrixKernels"/> bit for bit against a plain scalar statement of its summation contract, and against
/// <see cref="DenseKernels"/>' row kernels applied row by row, on many shapes, leading dimensions and column slices.
/// </summary>
public class MatrixKernelTests
{
    private const float Sentinel = -12345.5f;

    private static readonly int[] InputChoices = [1, 2, 3, 5, 8, 13, 16, 31, 33, 47, 70];

    /// <summary>rows 1–40 × units 1–70, the inputs cycling through <see cref="InputChoices"/>.</summary>
    [Fact]
    public void AllKernelsEqualTheContractOnSmallShapes()
    {
        for (int rows = 1; rows <= 40; rows++)
        {
            for (int units = 1; units <= 70; units++)
            {
                int inputs = InputChoices[(rows * 7 + units) % InputChoices.Length];
                CheckAgainstContract(rows, inputs, units, pad: (rows + units) % 4 == 0 ? 0 : (rows + units) % 5, seed: (ulong)((rows * 1000) + units));
            }
        }
    }

    [Theory]
    [InlineData(256, 70, 64)]
    [InlineData(256, 100, 130)]
    [InlineData(7, 256, 512)]
    [InlineData(256, 784, 10)]
    [InlineData(33, 130, 256)]
    [InlineData(256, 512, 100)]
    [InlineData(128, 784, 512)]
    [InlineData(41, 300, 47)]
    [InlineData(300, 9, 33)]
    [InlineData(1, 784, 512)]
    [InlineData(13, 1, 1)]
    public void AllKernelsEqualTheContractOnLargeShapes(int rows, int inputs, int units)
    {
        CheckAgainstContract(rows, inputs, units, pad: 0, seed: 1);
        CheckAgainstContract(rows, inputs, units, pad: 3, seed: 2);
    }

    [Theory]
    [InlineData(6, 20, 40, 0, 40)]
    [InlineData(6, 20, 40, 3, 37)]
    [InlineData(13, 33, 70, 16, 53)]
    [InlineData(13, 33, 70, 1, 2)]
    [InlineData(31, 70, 100, 35, 100)]
    [InlineData(256, 40, 130, 64, 96)]
    public void ColumnSlicesComputeTheirColumnsOnlyAndTheSameBits(int rows, int inputs, int units, int n0, int n1)
    {
        var random = new DeterministicRandom((ulong)(rows + inputs + units + n0));
        int ldx = inputs + 1, ldw = units + 2, ldy = units + 3;
        float[] x = Fill(random, rows, inputs, ldx, zeros: 0.3f), w = Fill(random, inputs, units, ldw), b = Values(random, units);
        float[] dy = Fill(random, rows, units, ldy);
        int width = n1 - n0;

        // Forward and the weight gradient over columns n0..n1; BackwardInput over kernel rows (inputs) n0..n1 of a [rows, units] dy
        float[] full = Sentinels(rows * ldy), part = Sentinels(rows * ldy);
        MatrixKernels.Forward(x, ldx, w, ldw, b, full, ldy, rows, inputs, units, relu: true);
        MatrixKernels.Forward(x, ldx, w.AsSpan(n0), ldw, b.AsSpan(n0), part.AsSpan(n0), ldy, rows, inputs, width, relu: true);
        AssertColumns(full, part, rows, ldy, n0, n1, "Forward");

        float[] fullG = Sentinels(inputs * ldw), partG = Sentinels(inputs * ldw);
        MatrixKernels.BackwardWeights(x, ldx, dy, ldy, fullG, ldw, rows, inputs, units, accumulate: false);
        MatrixKernels.BackwardWeights(x, ldx, dy.AsSpan(n0), ldy, partG.AsSpan(n0), ldw, rows, inputs, width, accumulate: false);
        AssertColumns(fullG, partG, inputs, ldw, n0, n1, "BackwardWeights");

        float[] fullB = Sentinels(units), partB = Sentinels(units);
        MatrixKernels.BiasGradient(dy, ldy, fullB, rows, units, accumulate: false);
        MatrixKernels.BiasGradient(dy.AsSpan(n0), ldy, partB.AsSpan(n0), rows, width, accumulate: false);
        AssertColumns(fullB, partB, 1, units, n0, n1, "BiasGradient");

        // dX over the kernel rows n0..n1 of a kernel with `units` rows of `inputs` columns: dY [rows, inputs], W [units, inputs]
        int lddx = units + 1;
        float[] w2 = Fill(random, units, inputs, ldx), relu = Fill(random, rows, units, lddx, zeros: 0.3f);
        float[] dy2 = Fill(random, rows, inputs, ldx);
        float[] fullX = Sentinels(rows * lddx), partX = Sentinels(rows * lddx);
        MatrixKernels.BackwardInput(dy2, ldx, w2, ldx, fullX, lddx, relu, rows, units, inputs);
        MatrixKernels.BackwardInput(dy2, ldx, w2.AsSpan(n0 * ldx), ldx, partX.AsSpan(n0), lddx, relu.AsSpan(n0), rows, width, inputs);
        AssertColumns(fullX, partX, rows, lddx, n0, n1, "BackwardInput");
    }

    [Theory]
    [InlineData(5, 17, 33)]
    [InlineData(40, 70, 70)]
    [InlineData(256, 64, 46)]
    [InlineData(9, 10, 1)]
    public void NaNAndInfinityPropagateAsInTheContract(int rows, int inputs, int units)
    {
        var random = new DeterministicRandom((ulong)(rows * inputs * units));
        int ld = units + 1, ldx = inputs + 2;
        float[] x = Fill(random, rows, inputs, ldx, zeros: 0.3f), w = Fill(random, inputs, units, ld), dy = Fill(random, rows, units, ld);
        float[] special = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, float.Epsilon, float.MaxValue];
        for (int t = 0; t < 6; t++)
        {
            x[random.NextInt(x.Length)] = special[t];
            w[random.NextInt(w.Length)] = special[(t + 1) % 6];
            dy[random.NextInt(dy.Length)] = special[(t + 2) % 6];
        }

        CheckAll(rows, inputs, units, x, ldx, w, ld, Values(random, units), dy, ld, ldx, Fill(random, rows, inputs, ldx, zeros: 0.5f), random, nanAsOne: true);
    }

    [Theory]
    [InlineData(1, 13, 64)]
    [InlineData(7, 13, 64)]
    [InlineData(40, 64, 64)]
    [InlineData(256, 64, 46)]
    [InlineData(256, 16, 1)]
    [InlineData(33, 70, 130)]
    [InlineData(9, 100, 16)]
    [InlineData(31, 37, 8)]
    [InlineData(12, 37, 55)]
    [InlineData(3, 20, 65)]
    public void BlocksEqualTheRowKernelsAppliedRowByRow(int rows, int inputs, int units)
    {
        var random = new DeterministicRandom((ulong)(rows * 7 + inputs * 3 + units));
        int ldx = inputs + 3, ldy = units + 1;
        float[] x = Fill(random, rows, inputs, ldx, zeros: 0.4f).Select(MathF.Abs).ToArray(); // a ReLU's output, with zeros
        float[] w = Values(random, inputs * units), b = Values(random, units), dy = Fill(random, rows, units, ldy);
        float[] dw0 = Values(random, inputs * units), db0 = Values(random, units);

        // the row kernels: Affine then Relu per row; gradients from zero row by row, added to the previous chunks' sum
        float[] rowY = new float[rows * ldy], rowDx = new float[rows * ldx], rowDxRelu = new float[rows * ldx];
        float[] chunkG = new float[inputs * units], chunkGRelu = new float[inputs * units], chunkB = new float[units];
        for (int r = 0; r < rows; r++)
        {
            var xr = x.AsSpan(r * ldx, inputs);
            var yr = rowY.AsSpan(r * ldy, units);
            var dyr = dy.AsSpan(r * ldy, units);
            DenseKernels.Affine(xr, w, b, yr);
            ActivationKernels.Relu(yr);
            DenseKernels.BackpropInput(w, dyr, rowDx.AsSpan(r * ldx, inputs));
            DenseKernels.AccumulateOuter(xr, dyr, chunkG);
            DenseKernels.BackpropAccumulateRelu(w, dyr, xr, chunkGRelu, rowDxRelu.AsSpan(r * ldx, inputs));
            DenseKernels.Accumulate(dyr, chunkB);
        }

        Assert.Equal(Bits(chunkG), Bits(chunkGRelu));
        float[] rowG = dw0.Zip(chunkG, (a, c) => a + c).ToArray(), rowB = db0.Zip(chunkB, (a, c) => a + c).ToArray();

        float[] y = new float[rows * ldy], dx = new float[rows * ldx], dxRelu = new float[rows * ldx];
        float[] g = (float[])dw0.Clone(), fresh = new float[inputs * units], db = (float[])db0.Clone();
        MatrixKernels.Forward(x, ldx, w, units, b, y, ldy, rows, inputs, units, relu: true);
        MatrixKernels.BackwardInput(dy, ldy, w, units, dx, ldx, [], rows, inputs, units);
        MatrixKernels.BackwardInput(dy, ldy, w, units, dxRelu, ldx, x, rows, inputs, units);
        MatrixKernels.BackwardWeights(x, ldx, dy, ldy, g, units, rows, inputs, units, accumulate: true);
        MatrixKernels.BackwardWeights(x, ldx, dy, ldy, fresh, units, rows, inputs, units, accumulate: false);
        MatrixKernels.BiasGradient(dy, ldy, db, rows, units, accumulate: true);

        Assert.Equal(Bits(rowY), Bits(y));
        Assert.Equal(Bits(rowDx), Bits(dx));
        Assert.Equal(Bits(rowDxRelu), Bits(dxRelu));
        Assert.Equal(Bits(rowG), Bits(g));
        Assert.Equal(Bits(chunkG), Bits(fresh));
        Assert.Equal(Bits(rowB), Bits(db));
    }

    [Fact]
    public void ReluIsTensorPrimitivesMaxWithZero()
    {
        float[] x = [1f, -0f, 0f, float.NaN, -1f, 2f, float.NegativeInfinity, -0f, 3f, -2f, float.Epsilon, -float.Epsilon, 5f, 6f, -7f, 0f, -0f];
        float[] y = new float[x.Length], expected = (float[])x.Clone();
        ActivationKernels.Relu(expected);

        // no inputs: y = relu(b), with b = x
        MatrixKernels.Forward([], 0, [], 0, x, y, x.Length, 1, 0, x.Length, relu: true);
        Assert.Equal(Bits(expected), Bits(y));
    }

    [Fact]
    public void ShapesAndLeadingDimensionsAreChecked()
    {
        Assert.Throws<ArgumentException>(() => MatrixKernels.Forward(new float[5], 3, new float[6], 2, new float[2], new float[4], 2, 2, 3, 2, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => MatrixKernels.Forward(new float[6], 2, new float[6], 2, new float[2], new float[4], 2, 2, 3, 2, false));
        Assert.Throws<ArgumentException>(() => MatrixKernels.Forward(new float[6], 3, new float[6], 2, new float[1], new float[4], 2, 2, 3, 2, false));
        Assert.Throws<ArgumentException>(() => MatrixKernels.BackwardInput(new float[4], 2, new float[6], 2, new float[6], 3, new float[5], 2, 3, 2));
        Assert.Throws<ArgumentException>(() => MatrixKernels.BackwardWeights(new float[6], 3, new float[4], 2, new float[5], 2, 2, 3, 2, true));
        Assert.Throws<ArgumentException>(() => MatrixKernels.BiasGradient(new float[3], 2, new float[2], 2, 2, true));
        Assert.Throws<ArgumentOutOfRangeException>(() => MatrixKernels.BiasGradient(new float[3], 2, new float[2], -1, 2, true));

        // exact fits pass: the last row needs only its width
        MatrixKernels.Forward(new float[5], 3, new float[5], 3, new float[2], new float[4], 2, 2, 2, 2, false);
    }

    private static void CheckAgainstContract(int rows, int inputs, int units, int pad, ulong seed)
    {
        var random = new DeterministicRandom(seed);
        int ldx = inputs + pad, ldw = units + (pad * 2), ldy = units + pad + (pad > 0 ? 1 : 0), lddx = inputs + (pad > 1 ? pad - 1 : pad);
        float[] x = Fill(random, rows, inputs, ldx, zeros: 0.3f), w = Fill(random, inputs, units, ldw), b = Values(random, units);
        float[] dy = Fill(random, rows, units, ldy), reluOf = Fill(random, rows, inputs, lddx, zeros: 0.3f);
        if (x.Length > 0)
        {
            x[0] = -0f;
        }

        CheckAll(rows, inputs, units, x, ldx, w, ldw, b, dy, ldy, lddx, reluOf, random, nanAsOne: false);
    }

    /// <summary>Every kernel (both ReLU settings, both accumulate settings) against the scalar contract; padding columns stay untouched.</summary>
    private static void CheckAll(int rows, int inputs, int units, float[] x, int ldx, float[] w, int ldw, float[] b, float[] dy, int ldy, int lddx,
        float[] reluOf, DeterministicRandom random, bool nanAsOne)
    {
        string shape = $"rows {rows}, inputs {inputs}, units {units}, ldx {ldx}, ldw {ldw}, ldy {ldy}, lddx {lddx}";
        foreach (bool relu in new[] { false, true })
        {
            float[] y = Sentinels(rows * ldy), expected = Sentinels(rows * ldy);
            MatrixKernels.Forward(x, ldx, w, ldw, b, y, ldy, rows, inputs, units, relu);
            ContractForward(x, ldx, w, ldw, b, expected, ldy, rows, inputs, units, relu);
            AssertBits(expected, y, nanAsOne, $"Forward relu={relu} {shape}");

            float[] dx = Sentinels(rows * lddx), expectedDx = Sentinels(rows * lddx);
            float[] mask = relu ? reluOf : [];
            MatrixKernels.BackwardInput(dy, ldy, w, ldw, dx, lddx, mask, rows, inputs, units);
            ContractBackwardInput(dy, ldy, w, ldw, expectedDx, lddx, mask, rows, inputs, units);
            AssertBits(expectedDx, dx, nanAsOne, $"BackwardInput relu={relu} {shape}");
        }

        foreach (bool accumulate in new[] { false, true })
        {
            float[] start = Fill(random, inputs, units, ldw);
            float[] g = (float[])start.Clone(), expected = (float[])start.Clone();
            MatrixKernels.BackwardWeights(x, ldx, dy, ldy, g, ldw, rows, inputs, units, accumulate);
            ContractBackwardWeights(x, ldx, dy, ldy, expected, ldw, rows, inputs, units, accumulate);
            AssertBits(expected, g, nanAsOne, $"BackwardWeights accumulate={accumulate} {shape}");

            float[] db = Values(random, units), expectedDb = (float[])db.Clone();
            MatrixKernels.BiasGradient(dy, ldy, db, rows, units, accumulate);
            ContractBiasGradient(dy, ldy, expectedDb, rows, units, accumulate);
            AssertBits(expectedDb, db, nanAsOne, $"BiasGradient accumulate={accumulate} {shape}");
        }
    }

    private static void ContractForward(float[] x, int ldx, float[] w, int ldw, float[] b, float[] y, int ldy, int rows, int inputs, int units, bool relu)
    {
        for (int r = 0; r < rows; r++)
        {
            for (int n = 0; n < units; n++)
            {
                float acc = b[n];
                for (int k = 0; k < inputs; k++)
                {
                    acc = MathF.FusedMultiplyAdd(x[(r * ldx) + k], w[(k * ldw) + n], acc);
                }

                y[(r * ldy) + n] = relu ? MathF.Max(acc, 0f) : acc;
            }
        }
    }

    private static void ContractBackwardInput(float[] dy, int lddy, float[] w, int ldw, float[] dx, int lddx, float[] reluOf, int rows, int inputs, int units)
    {
        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < inputs; k++)
            {
                // eight lanes from +0 over the full blocks, the tree, then the tail in ascending order
                var s = new float[8];
                int blocks = units / 8;
                for (int i = 0; i < blocks; i++)
                {
                    for (int j = 0; j < 8; j++)
                    {
                        s[j] = MathF.FusedMultiplyAdd(dy[(r * lddy) + (i * 8) + j], w[(k * ldw) + (i * 8) + j], s[j]);
                    }
                }

                float v = ((s[0] + s[4]) + (s[2] + s[6])) + ((s[1] + s[5]) + (s[3] + s[7]));
                for (int t = blocks * 8; t < units; t++)
                {
                    v = MathF.FusedMultiplyAdd(dy[(r * lddy) + t], w[(k * ldw) + t], v);
                }

                dx[(r * lddx) + k] = reluOf.Length > 0 && !(reluOf[(r * lddx) + k] > 0f) ? 0f : v;
            }
        }
    }

    private static void ContractBackwardWeights(float[] x, int ldx, float[] dy, int lddy, float[] dw, int lddw, int rows, int inputs, int units, bool accumulate)
    {
        for (int k = 0; k < inputs; k++)
        {
            for (int n = 0; n < units; n++)
            {
                float acc = 0f;
                for (int r = 0; r < rows; r++)
                {
                    acc = MathF.FusedMultiplyAdd(x[(r * ldx) + k], dy[(r * lddy) + n], acc);
                }

                dw[(k * lddw) + n] = accumulate ? dw[(k * lddw) + n] + acc : acc;
            }
        }
    }

    private static void ContractBiasGradient(float[] dy, int lddy, float[] db, int rows, int units, bool accumulate)
    {
        for (int n = 0; n < units; n++)
        {
            float acc = 0f;
            for (int r = 0; r < rows; r++)
            {
                acc += dy[(r * lddy) + n];
            }

            db[n] = accumulate ? db[n] + acc : acc;
        }
    }

    private static void AssertColumns(float[] full, float[] part, int rows, int ld, int n0, int n1, string kernel)
    {
        for (int r = 0; r < rows; r++)
        {
            for (int n = 0; n < ld; n++)
            {
                float expected = n >= n0 && n < n1 ? full[(r * ld) + n] : Sentinel;
                if (BitConverter.SingleToInt32Bits(expected) != BitConverter.SingleToInt32Bits(part[(r * ld) + n]))
                {
                    Assert.Fail($"{kernel}: row {r} column {n} (slice {n0}..{n1}, ld {ld}) is {part[(r * ld) + n]}, expected {expected}");
                }
            }
        }
    }

    private static void AssertBits(float[] expected, float[] actual, bool nanAsOne, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            bool same = nanAsOne && float.IsNaN(expected[i])
                ? float.IsNaN(actual[i])
                : BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]);
            if (!same)
            {
                Assert.Fail($"{what}: element {i} is {actual[i]:R}, expected {expected[i]:R}");
            }
        }
    }

    /// <summary>A [count, width] matrix with rows <paramref name="ld"/> apart; the padding holds the sentinel.</summary>
    private static float[] Fill(DeterministicRandom random, int count, int width, int ld, float zeros = 0f)
    {
        var m = Sentinels(count == 0 ? 0 : ((count - 1) * ld) + width + (ld - width));
        for (int r = 0; r < count; r++)
        {
            for (int c = 0; c < width; c++)
            {
                m[(r * ld) + c] = random.NextSingle() < zeros ? 0f : random.NextSingle(-1f, 1f);
            }
        }

        return m;
    }

    private static float[] Sentinels(int n) => Enumerable.Repeat(Sentinel, n).ToArray();

    private static float[] Values(DeterministicRandom random, int n) =>
        Enumerable.Range(0, n).Select(_ => random.NextSingle(-1f, 1f)).ToArray();

}
