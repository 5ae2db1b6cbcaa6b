using AotNet.Data;
using AotNet.Tests.Generator.Models;
using AotNet.Training;

namespace AotNet.Tests.Predict;

/// <summary>
/// <see cref="Predictor{TModel}"/>: the same bits as <c>Trainer.Predict</c> at 1, 7, 64 and 130 rows (more rows than a
/// forward pass holds), for a regression net, a softmax net with tiles and the IMDB net's 10,000 inputs, and no
/// allocation per call at one row and at 64.
/// </summary>
[Collection(AllocationMeasurements.Name)]
public sealed class PredictorTests
{
    [Fact]
    public void BostonNetGivesTrainerPredictsBits() => SameBits(BostonNet.Create(3), maxRows: 64);

    [Fact]
    public void WideAdamNetGivesTrainerPredictsBits() => SameBits(WideAdamNet.Create(5), maxRows: 16);

    [Fact]
    public void ImdbNetGivesTrainerPredictsBits() => SameBits(ImdbNet.Create(7), maxRows: 64, zeros: 0.99f);

    [Fact]
    public void OneRowAndSixtyFourRowsAllocateNothing()
    {
        var predictor = new Predictor<WideAdamNet>(WideAdamNet.Create(1));
        var x = Inputs(64, Predictor<WideAdamNet>.Inputs, 0f, 3);
        var y = new float[64 * Predictor<WideAdamNet>.Outputs];
        var one = AllocationMeasurements.SteadyState(() => predictor.Predict(x.AsSpan(0, Predictor<WideAdamNet>.Inputs), y), rounds: 100);
        var many = AllocationMeasurements.SteadyState(() => predictor.Predict(x, 64, y), rounds: 20);
        Assert.True(one.Bytes == 0, one.Windows);
        Assert.True(many.Bytes == 0, many.Windows);
    }

    /// <summary>
    /// One row runs the matrix-vector strips (each weight read once), more rows the register-blocked tiles: a row's
    /// outputs are the same bits either way, wherever the row stands in the batch.
    /// </summary>
    [Fact]
    public void OneRowGivesTheBitsOfThatRowInABatch()
    {
        OneRowEqualsBatch(BostonNet.Create(11), rows: 64);
        OneRowEqualsBatch(WideAdamNet.Create(12), rows: 13);
        OneRowEqualsBatch(ImdbNet.Create(13), rows: 9, zeros: 0.99f);
    }

    [Fact]
    public void RejectsSpansOfTheWrongLength()
    {
        var predictor = new Predictor<BostonNet>(BostonNet.Create(1));
        Assert.Throws<ArgumentException>(() => predictor.Predict(new float[12], new float[1]));
        Assert.Throws<ArgumentException>(() => predictor.Predict(new float[13], new float[0]));
        Assert.Throws<ArgumentException>(() => predictor.Predict(new float[26], 3, new float[3]));
        predictor.Predict(ReadOnlySpan<float>.Empty, 0, Span<float>.Empty); // no rows: nothing to do
    }

    private static void SameBits<TModel>(TModel model, int maxRows, float zeros = 0f)
        where TModel : class, IModel<TModel>
    {
        var predictor = new Predictor<TModel>(model, maxRows);
        int inputs = Predictor<TModel>.Inputs, outputs = Predictor<TModel>.Outputs;
        using var trainer = new Trainer<TModel>(model, 1);
        foreach (int rows in new[] { 1, 7, 64, 130 })
        {
            float[] x = Inputs(rows, inputs, zeros, (ulong)rows);
            var expected = trainer.Predict(new DenseMatrix(x, rows, inputs)).Data;
            var y = new float[rows * outputs];
            predictor.Predict(x, rows, y);
            Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), y.Select(BitConverter.SingleToInt32Bits));
            if (rows == 1)
            {
                var one = new float[outputs];
                predictor.Predict(x, one);
                Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), one.Select(BitConverter.SingleToInt32Bits));
            }
        }
    }

    private static void OneRowEqualsBatch<TModel>(TModel model, int rows, float zeros = 0f)
        where TModel : class, IModel<TModel>
    {
        int inputs = Predictor<TModel>.Inputs, outputs = Predictor<TModel>.Outputs;
        float[] x = Inputs(rows, inputs, zeros, (ulong)(rows + inputs));
        var batch = new float[rows * outputs];
        new Predictor<TModel>(model, maxRows: rows).Predict(x, rows, batch);
        var single = new Predictor<TModel>(model, maxRows: 1);
        var one = new float[outputs];
        for (int r = 0; r < rows; r++)
        {
            single.Predict(x.AsSpan(r * inputs, inputs), one);
            Assert.Equal(batch.AsSpan(r * outputs, outputs).ToArray().Select(BitConverter.SingleToInt32Bits), one.Select(BitConverter.SingleToInt32Bits));
        }
    }

    private static float[] Inputs(int rows, int inputs, float zeros, ulong seed)
    {
        var random = new DeterministicRandom(seed);
        var x = new float[rows * inputs];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = random.NextSingle(0, 1) < zeros ? 0f : random.NextSingle(-2, 2);
        }

        return x;
    }
}
