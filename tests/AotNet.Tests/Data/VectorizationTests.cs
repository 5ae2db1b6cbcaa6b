using AotNet.Data;
using AotNet.Data.Keras;
using AotNet.Data.Vectorization;

namespace AotNet.Tests.Data;

public class VectorizationTests
{
    [Fact]
    public void Multi_hot_sorts_and_collapses_duplicates()
    {
        var seqs = IntSequences.FromArrays([[5, 1, 5, 130, 0, 64, 63], [], [199, 199]]);
        CsrMatrix m = MultiHot.Encode(seqs, 200);
        Assert.Equal(3, m.Rows);
        Assert.Equal(200, m.Cols);
        Assert.Equal([0, 1, 5, 63, 64, 130], m.Row(0).ToArray());
        Assert.True(m.Row(1).IsEmpty);
        Assert.Equal([199], m.Row(2).ToArray());
        Assert.Equal(1f, m.ToDense().Row(0)[130]);
    }

    [Fact]
    public void Multi_hot_matches_a_dense_reference_on_random_sequences()
    {
        var rng = new Random(7);
        int[][] lists = Enumerable.Range(0, 300).Select(_ => Enumerable.Range(0, rng.Next(0, 60)).Select(_ => rng.Next(0, 1000)).ToArray()).ToArray();
        CsrMatrix m = MultiHot.Encode(IntSequences.FromArrays(lists), 1000);
        for (int i = 0; i < lists.Length; i++)
        {
            Assert.Equal(lists[i].Distinct().Order().ToArray(), m.Row(i).ToArray());
        }
    }

    [Fact]
    public void Multi_hot_refuses_ids_outside_the_dimension()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => MultiHot.Encode(IntSequences.FromArrays([[1], [3, 10]]), 10));
        Assert.Contains("sequence 1 has id 10", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => MultiHot.Encode(IntSequences.FromArrays([[-1]]), 10));
    }

    [RealDataFact]
    public void Imdb_multi_hot_row_counts_match_numpy()
    {
        TextDataset d = Imdb.Load(TestData.Require());
        CsrMatrix train = MultiHot.Encode(d.Train.Sequences, 10000);
        CsrMatrix test = MultiHot.Encode(d.Test.Sequences, 10000);
        Assert.Equal(3292468, train.Columns.Length); // sum(len(set(x)) for x in x_train)
        Assert.Equal(3218578, test.Columns.Length);
        Assert.Equal([120, 121, 97], Enumerable.Range(0, 3).Select(r => train.Row(r).Length));
    }

    [Fact]
    public void To_categorical_and_label_columns()
    {
        DenseMatrix oneHot = Labels.ToCategorical([2, 0, 45], 46);
        Assert.Equal((3, 46), (oneHot.Rows, oneHot.Cols));
        Assert.Equal(1f, oneHot.Row(0)[2]);
        Assert.Equal(1f, oneHot.Row(2)[45]);
        Assert.Equal(3f, oneHot.Data.Sum());
        Assert.Throws<ArgumentOutOfRangeException>(() => Labels.ToCategorical([46], 46));

        DenseMatrix column = Labels.ToColumn([1, 0, 1]);
        Assert.Equal((3, 1), (column.Rows, column.Cols));
        Assert.Equal([1f, 0f, 1f], column.Data);
    }

    [Fact]
    public void Normalizer_uses_population_std_of_the_training_data()
    {
        double[] train = [1, 10, 2, 20, 3, 60];
        Normalizer n = Normalizer.Fit(train, 2);
        Assert.Equal([2.0, 30.0], n.Mean);
        Assert.Equal(Math.Sqrt(2.0 / 3.0), n.Std[0], 15);
        Assert.Equal(Math.Sqrt(1400.0 / 3.0), n.Std[1], 12);
        DenseMatrix test = n.Apply([2, 30, 4, 0]);
        Assert.Equal([0f, 0f, (float)(2 / Math.Sqrt(2.0 / 3.0)), (float)(-30 / Math.Sqrt(1400.0 / 3.0))], test.Data);
        Assert.Throws<ArgumentException>(() => Normalizer.Fit([1, 1, 1, 2], 2)); // column 0 is constant
    }

    [RealDataFact]
    public void Boston_normalisation_matches_numpy()
    {
        var (train, test, n) = KerasTensors.Standardized(BostonHousing.Load(TestData.Require()));
        double[] mean =
        [
            3.7451105693069318, 11.48019801980198, 11.104430693069295, 0.06188118811881188, 0.55735594059406, 6.267081683168312,
            69.01064356435643, 3.740270792079207, 9.44059405940594, 405.8985148514852, 18.47599009900985, 354.7831683168311, 12.740816831683164,
        ];
        double[] std =
        [
            9.229290727197059, 23.738277022572547, 6.802872531209855, 0.2409396328456911, 0.11714784679738596, 0.7089086269383823,
            27.906063441724406, 2.027700499038348, 8.687588486254374, 166.16850596316957, 2.1976568890257147, 93.9946014505246, 7.245560851691072,
        ];
        double[] normTest7 =
        [
            -0.4019377738719842, 0.5695359426188406, -0.9179108772685993, -0.2568327484687563, -1.1212834395603344, -0.14117712687535322,
            -0.7994908923986084, 0.8188730084685898, -0.6262490526587586, -0.7516377073232416, 0.23844026954656247, 0.3814775649859278, -0.7219340143230351,
        ];
        for (int c = 0; c < 13; c++)
        {
            Assert.Equal(mean[c], n.Mean[c], 1e-12 * Math.Abs(mean[c]));
            Assert.Equal(std[c], n.Std[c], 1e-12 * std[c]);
            Assert.Equal((float)normTest7[c], test.Inputs.Dense!.Row(7)[c], 1e-6f);
        }

        Assert.Equal(404, train.Count);
        Assert.Equal(22.9f, test.Targets.Data[7]);
    }
}
