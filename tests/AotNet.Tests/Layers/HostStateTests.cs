using System.Globalization;
using System.Text;
using AotNet.Hosting;
using AotNet.IO;

namespace AotNet.Tests.Layers;

/// <summary>
/// The command-line host (<see cref="ModelApp"/>) with the normalisation layers: <c>summary</c> lists them with Keras's
/// parameter counts, <c>fit --save-weights</c> saves the state block (normalization.mean/variance, batch
/// normalisation's moving statistics) and <c>evaluate</c>/<c>predict</c> load it back.
/// </summary>
public sealed class HostStateTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("aotnet-hoststate-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Summary_lists_the_normalisation_layers_with_trainable_and_non_trainable_counts()
    {
        string text = ModelApp.Summary(AllThree.Description);
        Assert.Contains("normalization (Normalization)", text);
        Assert.Contains("batch_normalization (BatchNormalization)", text);
        Assert.Contains("layer_normalization (LayerNormalization, relu)", text);

        // trainable: the parameter block; non-trainable: the state block (normalization 2·4, batch_normalization 2·16)
        Assert.Equal(282, AllThree.ParameterCount);
        Assert.Equal(40, AllThree.StateCount);
        Assert.Contains("Trainable params: 282 ", text);
        Assert.Contains("Non-trainable params: 40 ", text);
        Assert.Contains("Total params: 322 ", text);
        Assert.Contains("4 → normalization → 16 relu → batch_normalization → 8 linear → layer_normalization relu → 2 softmax", AllThree.Description.Topology);
    }

    [Fact]
    public void Fit_saves_the_state_and_evaluate_loads_it()
    {
        // 200 rows of 4 features on different scales, two named classes
        var random = new Random(7);
        var csv = new StringBuilder("a,b,c,d,label\n");
        var columns = new double[4];
        const int rows = 200;
        for (int r = 0; r < rows; r++)
        {
            double[] x = [random.NextDouble() * 100, random.NextDouble() - 3, random.NextDouble() * 0.01, random.NextDouble() * 10];
            for (int c = 0; c < 4; c++)
            {
                columns[c] += (float)x[c];
            }

            csv.Append(string.Join(',', x.Select(v => ((float)v).ToString("R", CultureInfo.InvariantCulture))))
                .Append(x[0] / 100 + x[3] / 10 > 1 ? ",high\n" : ",low\n");
        }

        string data = Path.Combine(_root, "data.csv"), weights = Path.Combine(_root, "w.safetensors");
        File.WriteAllText(data, csv.ToString());
        int code = ModelApp.Run<AllThree>(["fit", "--data", data, "--label", "label", "--epochs", "3", "--batch-size", "32", "--save-weights", weights, "--quiet"]);
        Assert.Equal(0, code);

        var model = AllThree.Create(99);
        var saved = HostWeights.Load(weights, AllThree.Description, model.Parameters, model.State);
        Assert.Equal(["high", "low"], saved.Classes);

        // the Normalization layer was adapted on the training rows (Fit adapts a model that is not): the column means
        for (int c = 0; c < 4; c++)
        {
            double mean = columns[c] / rows;
            Assert.True(Math.Abs(model.NormalizationMean[c] - mean) <= 1e-5 * Math.Max(1, Math.Abs(mean)), $"column {c}: {model.NormalizationMean[c]} vs {mean}");
        }

        // batch_normalization's moving statistics moved from Keras's initial 0 and 1 during the 21 steps
        var movingVariance = model.GetWeights("batch_normalization_0.moving_variance");
        Assert.Contains(movingVariance.ToArray(), v => v != 1f);
        Assert.True(model.IsAdapted);

        // evaluate and predict load the same file (state included) and run
        Assert.Equal(0, ModelApp.Run<AllThree>(["evaluate", "--data", data, "--label", "label", "--weights", weights]));

        // without the state block the weights are incomplete: a file missing a state tensor is refused
        var tensors = SafeTensors.FromModel(AllThree.Description, model.Parameters, model.State).Where(t => t.Name != "batch_normalization_0.moving_mean").ToList();
        string partial = Path.Combine(_root, "partial.safetensors");
        File.WriteAllBytes(partial, SafeTensors.Serialize(tensors, saved.ToMetadata()));
        var error = Assert.Throws<SafeTensorsException>(() => HostWeights.Load(partial, AllThree.Description, AllThree.Create(1).Parameters, AllThree.Create(1).State));
        Assert.Contains("batch_normalization_0.moving_mean", error.Message);
    }
}
