using System.Runtime.InteropServices;
using AotNet.Data;
using AotNet.Interop;
using AotNet.Tests.Layers;
using AotNet.Training;

namespace AotNet.Tests.Predict;

/// <summary>
/// <see cref="Predictor{TModel}"/> (and so the C library, <see cref="NativeModel{TModel}"/>) for a model whose first layer is
/// an Embedding: each float of a row is a token id. The outputs are the bits of the model's own <c>Predict</c> on the same
/// <see cref="TokenMatrix"/> (1 row, rows over several forward passes); ids that are not whole numbers in [0, inputDim), and
/// padding-only rows under MaskZero, are refused naming the row and position, with nothing written; no allocation per call.
/// </summary>
[Collection(AllocationMeasurements.Name)]
public sealed class TokenPredictorTests
{
    // EmbeddingMasked: 12 ids per row, Embedding(50, 4, MaskZero) → GAP1D → Dense 8 relu → Dense 1 sigmoid.
    private const int Length = 12, Vocabulary = 50;

    [Fact]
    public void MaskedEmbeddingGivesTheModelsPredictBits()
    {
        var model = EmbeddingMasked.Create(21);
        var predictor = new Predictor<EmbeddingMasked>(model, maxRows: 64);
        Assert.Equal(Length, Predictor<EmbeddingMasked>.Inputs);
        foreach (int rows in new[] { 1, 7, 64, 130, 1 })
        {
            var ids = Ids(rows, Length, Vocabulary, (ulong)rows, allPadding: false);
            var y = new float[rows];
            predictor.Predict(AsFloats(ids), rows, y);
            Assert.Equal(Bits(ModelPredict(model, ids, rows, Length, outputs: 1)), Bits(y));
            if (rows == 1)
            {
                var one = new float[1];
                predictor.Predict(AsFloats(ids), one);
                Assert.Equal(Bits(y), Bits(one));
            }
        }
    }

    /// <summary>Without MaskZero a row of padding only is a row like another (the average of id 0's vector).</summary>
    [Fact]
    public void UnmaskedEmbeddingGivesTheModelsPredictBitsPaddingRowsIncluded()
    {
        var model = EmbeddingUnmasked.Create(22);
        var predictor = new Predictor<EmbeddingUnmasked>(model, maxRows: 16);
        foreach (int rows in new[] { 1, 40 })
        {
            var ids = Ids(rows, 10, 30, (ulong)(rows + 100), allPadding: true);
            var y = new float[rows * 3];
            predictor.Predict(AsFloats(ids), rows, y);
            Assert.Equal(Bits(ModelPredict(model, ids, rows, 10, outputs: 3)), Bits(y));
        }
    }

    [Fact]
    public void IdsThatAreNotTokenIdsAreRefusedNamingRowAndPosition()
    {
        var predictor = new Predictor<EmbeddingMasked>(EmbeddingMasked.Create(1), maxRows: 64);
        string Error(int row, int position, float value, int rows = 3)
        {
            var x = AsFloats(Ids(rows, Length, Vocabulary, 5, allPadding: false));
            x[(row * Length) + position] = value;
            var y = Enumerable.Repeat(-7f, rows).ToArray();
            var error = Assert.Throws<ArgumentException>(() => predictor.Predict(x, rows, y));
            Assert.All(y, v => Assert.Equal(-7f, v)); // nothing written
            return error.Message;
        }

        Assert.Contains("row 1, position 3 holds 2.5, not a token id: EmbeddingMasked reads each float of a row as a token id", Error(1, 3, 2.5f));
        Assert.Contains("row 0, position 0 holds NaN, not a token id", Error(0, 0, float.NaN));
        Assert.Contains("row 2, position 11 holds the token id -1: ids are >= 0 (0 is padding)", Error(2, 11, -1f));
        Assert.Contains("row 2, position 4 holds the token id 50: EmbeddingMasked's Embedding takes ids below 50", Error(2, 4, Vocabulary));
        Assert.Contains("row 0, position 1 holds the token id 1E+09", Error(0, 1, 1e9f));

        // rows past the first forward pass are named by their row in the call, before any row is predicted
        Assert.Contains("row 70, position 5 holds 0.25", Error(70, 5, 0.25f, rows: 130));

        // the model's own wording for the same id, in a TokenMatrix
        var tokens = Ids(2, Length, Vocabulary, 6, allPadding: false);
        tokens[Length + 4] = Vocabulary;
        var model = EmbeddingMasked.Create(1);
        var modelError = Assert.Throws<ArgumentException>(() => model.Predict(new Batch(new TokenMatrix(tokens, 2, Length), null, [0, 1]), model.CreateWorkspace(2), new float[2]));
        Assert.Contains("row 1 holds the token id 50: EmbeddingMasked's Embedding takes ids below 50", modelError.Message);

        // a row of padding only under MaskZero, as the model words it
        var padding = AsFloats(Ids(3, Length, Vocabulary, 7, allPadding: false));
        padding.AsSpan(2 * Length, Length).Clear();
        Assert.Contains("row 2 holds only padding (id 0)", Assert.Throws<ArgumentException>(() => predictor.Predict(padding, 3, new float[3])).Message);

        // refused calls leave the predictor as it was
        var ids = Ids(3, Length, Vocabulary, 8, allPadding: false);
        var after = new float[3];
        predictor.Predict(AsFloats(ids), 3, after);
        Assert.Equal(Bits(ModelPredict(predictor.Model, ids, 3, Length, outputs: 1)), Bits(after));
    }

    [Fact]
    public void OneRowAndSixtyFourRowsAllocateNothing()
    {
        var predictor = new Predictor<EmbeddingMasked>(EmbeddingMasked.Create(2));
        var x = AsFloats(Ids(64, Length, Vocabulary, 9, allPadding: false));
        var y = new float[64];
        var one = AllocationMeasurements.SteadyState(() => predictor.Predict(x.AsSpan(0, Length), y), rounds: 100);
        var many = AllocationMeasurements.SteadyState(() => predictor.Predict(x, 64, y), rounds: 20);
        Assert.True(one.Bytes == 0, one.Windows);
        Assert.True(many.Bytes == 0, many.Windows);
    }

    /// <summary>The C entry point's implementation, called from C#: the same bits, and the error through last_error.</summary>
    [Fact]
    public unsafe void NativeModelPredictsTokenRows()
    {
        const int rows = 300; // more than one pass of NativeModel's predictor
        var ids = Ids(rows, Length, Vocabulary, 10, allPadding: false);
        var x = AsFloats(ids);
        var y = new float[rows];
        nint handle = NativeModel<EmbeddingMasked>.Create(23);
        Assert.NotEqual((nint)0, handle);
        try
        {
            Assert.Equal(Length, NativeModel<EmbeddingMasked>.InputSize);
            fixed (float* input = x, output = y)
            {
                Assert.Equal(0, NativeModel<EmbeddingMasked>.Predict(handle, input, rows, Length, output, rows));
                Assert.Equal(Bits(ModelPredict(EmbeddingMasked.Create(23), ids, rows, Length, outputs: 1)), Bits(y));

                x[(280 * Length) + 7] = 2.5f;
                Assert.Equal(-1, NativeModel<EmbeddingMasked>.Predict(handle, input, rows, Length, output, rows));
                Assert.Contains("row 280, position 7 holds 2.5, not a token id", Marshal.PtrToStringUTF8((nint)NativeModel<EmbeddingMasked>.LastError())!);
            }
        }
        finally
        {
            NativeModel<EmbeddingMasked>.Free(handle);
        }
    }

    private static float[] ModelPredict<TModel>(TModel model, int[] ids, int rows, int length, int outputs)
        where TModel : class, IModel<TModel>
    {
        var y = new float[rows * outputs];
        model.Predict(new Batch(new TokenMatrix(ids, rows, length), null, Enumerable.Range(0, rows).ToArray()), model.CreateWorkspace(rows), y);
        return y;
    }

    /// <summary>Pre-padded rows: 0–(length − 1) zeros, then ids in [1, vocabulary); with <paramref name="allPadding"/> every fifth row is zeros only.</summary>
    private static int[] Ids(int rows, int length, int vocabulary, ulong seed, bool allPadding)
    {
        var random = new DeterministicRandom(seed);
        var ids = new int[rows * length];
        for (int r = 0; r < rows; r++)
        {
            int padding = allPadding && r % 5 == 4 ? length : random.NextInt(length);
            for (int p = padding; p < length; p++)
            {
                ids[(r * length) + p] = 1 + random.NextInt(vocabulary - 1);
            }
        }

        return ids;
    }

    private static float[] AsFloats(int[] ids) => ids.Select(id => (float)id).ToArray();

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
