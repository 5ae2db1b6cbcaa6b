using AotNet.Data;
using AotNet.Export;
using AotNet.Training;

namespace AotNet.Tests.Export;

[Sequential(6, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.Adam)]
[Normalization]
[Dense(9, Activation.Relu)]
[Dense(3, Activation.Softmax)]
internal sealed partial class NormalizedExportNet;

[Sequential(5, Loss = Loss.MeanSquaredError)]
[Dense(8)]
[BatchNormalization(Activation.Relu)]
[Dense(1)]
internal sealed partial class BatchNormExportNet;

[Sequential(5, Loss = Loss.MeanSquaredError)]
[Dense(8, Activation.Relu)]
[LayerNormalization]
[Dense(1)]
internal sealed partial class LayerNormExportNet;

[Sequential(7, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.Adam)]
[Normalization]
[Dense(12)]
[BatchNormalization(Activation.Relu)]
[Dense(10, Activation.Tanh)]
[LayerNormalization(Activation.Sigmoid)]
[Dense(4, Activation.Softmax)]
internal sealed partial class AllNormsExportNet;

/// <summary>
/// The layers issue's [Normalization] in the exports: ONNX takes it as Sub/Div with the layer's own divisor
/// (max(sqrt(variance), 1e-7), computed as the layer computes it), BatchNormalization as the ONNX op in inference mode,
/// LayerNormalization as the opset-17 op: ONNX Runtime on raw features matches Predict within 1e-5. (Their .keras
/// export: KerasLayersTests.)
/// </summary>
public sealed class NormalizationExportTests
{
    [Fact]
    public void A_normalization_first_layer_is_exported_and_onnx_runtime_matches_predict_on_raw_features()
    {
        // raw features of very different scales, one constant column (variance 0: divided by 1e-7 in both)
        var raw = OnnxExportTests.Uniform(1000, 6, 1f, 21);
        for (int r = 0; r < raw.Rows; r++)
        {
            var row = raw.Row(r);
            row[0] = row[0] * 300 + 900;
            row[1] = row[1] * 0.01f + 0.5f;
            row[4] = 7f;
        }

        var model = NormalizedExportNet.Create(5);
        model.Adapt(raw);
        Assert.Contains(model.State, v => v != 0f);
        var random = new Random(3);
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] += (float)(random.NextDouble() - 0.5) * 0.1f; // nonzero biases too
        }

        using var trainer = new Trainer<NormalizedExportNet>(model, threads: 1);
        DenseMatrix expected = trainer.Predict(raw);
        var stream = new MemoryStream();
        OnnxExport.Write(model, stream);
        OnnxExportTests.AssertClose(expected, OnnxExportTests.RunOnnx(stream.ToArray(), raw, 3), nameof(NormalizedExportNet));
    }

    [Fact]
    public void Batch_normalization_is_exported_in_inference_mode_and_matches_predict() => AssertMatches(Randomized(BatchNormExportNet.Create(2)), 5);

    [Fact]
    public void Layer_normalization_is_exported_as_the_opset_17_op_and_matches_predict() => AssertMatches(Randomized(LayerNormExportNet.Create(3)), 5);

    [Fact]
    public void A_model_with_all_three_matches_predict() => AssertMatches(Randomized(AllNormsExportNet.Create(4), adapt: true), 7);

    /// <summary>Every parameter and state value moved off its initial value (moving variances kept positive), so the export must carry each.</summary>
    private static TModel Randomized<TModel>(TModel model, bool adapt = false)
        where TModel : class, IModel<TModel>
    {
        var random = new Random(TModel.Description.Name.Length);
        if (adapt && model is IAdaptable adaptable)
        {
            adaptable.Adapt(Raw(TModel.Description.Inputs));
        }

        foreach (var tensor in TModel.Description.Tensors)
        {
            if (tensor.Name.StartsWith("normalization.", StringComparison.Ordinal))
            {
                continue; // adapted
            }

            var block = tensor.IsState ? model.State : model.Parameters;
            for (int k = 0; k < tensor.Length; k++)
            {
                float noise = (float)(random.NextDouble() - 0.5) * 0.4f;
                block[tensor.Offset + k] = tensor.Name.EndsWith("variance", StringComparison.Ordinal) || tensor.Name.EndsWith("gamma", StringComparison.Ordinal)
                    ? 0.5f + Math.Abs(noise) * 3 : block[tensor.Offset + k] + noise;
            }
        }

        return model;
    }

    private static DenseMatrix Raw(int cols)
    {
        var raw = OnnxExportTests.Uniform(1000, cols, 1f, 21);
        for (int r = 0; r < raw.Rows; r++)
        {
            raw.Row(r)[0] = raw.Row(r)[0] * 300 + 900;
        }

        return raw;
    }

    private static void AssertMatches<TModel>(TModel model, int inputs)
        where TModel : class, IModel<TModel>
    {
        var raw = Raw(inputs);
        using var trainer = new Trainer<TModel>(model, threads: 1);
        DenseMatrix expected = trainer.Predict(raw);
        var stream = new MemoryStream();
        OnnxExport.Write(model, stream);
        OnnxExportTests.AssertClose(expected, OnnxExportTests.RunOnnx(stream.ToArray(), raw, TModel.Description.Outputs), TModel.Description.Name);
    }
}
