using AotNet.Data;
using AotNet.Export;
using AotNet.Tests.Layers;
using AotNet.Training;
using Microsoft.ML.OnnxRuntime;

namespace AotNet.Tests.Export;

/// <summary>
/// ONNX export of Embedding + GlobalAveragePooling1D: int64 ids in, Gather, then Keras's masked mean (mask_zero) or
/// ReduceMean, then the Dense layers; ONNX Runtime on 1,000 token rows (varied padding) matches Predict within 1e-5.
/// </summary>
public sealed class OnnxEmbeddingTests
{
    [Fact]
    public void A_masked_embedding_model_matches_predict_in_onnx_runtime() =>
        AssertMatches(KerasLayersTests.Randomized(EmbeddingMasked.Create(3)), KerasLayersTests.Tokens(1000, 12, 50, 5));

    [Fact]
    public void An_unmasked_embedding_model_with_dropout_matches_predict_in_onnx_runtime() =>
        AssertMatches(KerasLayersTests.Randomized(KerasEmbeddingNet.Create(4)), KerasLayersTests.Tokens(1000, 10, 30, 6));

    [Fact]
    public void Input_normalisation_options_are_refused_for_token_inputs()
    {
        var options = new OnnxExportOptions { InputMean = new float[12], InputStd = new float[12] };
        var e = Assert.Throws<ArgumentException>(() => OnnxExport.Write(EmbeddingMasked.Create(1), new MemoryStream(), options));
        Assert.Contains("this model takes token ids", e.Message);
    }

    [PythonOnnxFact]
    public void Onnx_checker_accepts_the_embedding_graphs()
    {
        string dir = Directory.CreateTempSubdirectory("aotnet-onnx-embedding-").FullName;
        try
        {
            string masked = Path.Combine(dir, "masked.onnx"), plain = Path.Combine(dir, "plain.onnx");
            OnnxExport.WriteFile(EmbeddingMasked.Create(1), masked);
            OnnxExport.WriteFile(KerasEmbeddingNet.Create(1), plain);
            var (code, output) = PythonOnnx.Run(
                "import onnx, sys\n" +
                "for path in sys.argv[1:]:\n" +
                "    m = onnx.load(path)\n" +
                "    onnx.checker.check_model(m, full_check=True)\n" +
                "    print(m.graph.input[0].type.tensor_type.elem_type, ' '.join(n.op_type for n in m.graph.node))\n",
                [masked, plain]);
            Assert.True(code == 0, $"onnx.checker refused a file: {output}");
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("7 Gather Equal Not Cast Unsqueeze Mul ReduceSum ReduceSum Div Gemm Relu Gemm Sigmoid", lines[0]);
            Assert.Equal("7 Gather ReduceMean Gemm Relu Gemm Softmax", lines[1]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void AssertMatches<TModel>(TModel model, TokenMatrix tokens)
        where TModel : class, IModel<TModel>
    {
        using var trainer = new Trainer<TModel>(model, threads: 1);
        DenseMatrix expected = trainer.Predict(tokens);
        var stream = new MemoryStream();
        OnnxExport.Write(model, stream);
        OnnxExportTests.AssertClose(expected, RunOnnx(stream.ToArray(), tokens, TModel.Description.Outputs), TModel.Description.Name);
    }

    private static float[] RunOnnx(byte[] onnx, TokenMatrix tokens, int outputs)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL, IntraOpNumThreads = 1 };
        using var session = new InferenceSession(onnx, options);
        long[] ids = new long[tokens.Rows * tokens.Length];
        for (int r = 0; r < tokens.Rows; r++)
        {
            for (int k = 0; k < tokens.Length; k++)
            {
                ids[r * tokens.Length + k] = tokens.Row(r)[k];
            }
        }

        using var input = OrtValue.CreateTensorValueFromMemory(ids, [tokens.Rows, tokens.Length]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, ["input"], [input], ["output"]);
        Assert.Equal([tokens.Rows, outputs], results[0].GetTensorTypeAndShape().Shape);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
