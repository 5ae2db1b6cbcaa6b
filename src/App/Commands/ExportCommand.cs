using System.CommandLine;
using AotNet.Export;
using AotNet.Training;

namespace AotNet.App.Commands;

/// <summary>
/// <c>aotnet export imdb|reuters|boston --weights FILE --to FILE</c>: writes a seed model's weights in another format,
/// each chosen by its file name (see docs/export.md): from AotNet's .safetensors (saved by
/// <c>aotnet imdb|reuters|boston --save-weights FILE</c>) or Keras 3's .keras / .weights.h5, to .onnx, .keras,
/// .weights.h5 or .safetensors. Boston's ONNX graph takes the 13 raw features, as <c>aotnet predict boston</c> does:
/// its first nodes normalise them with the training mean and std stored in the safetensors weights.
/// </summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var command = new Command("export", "write a model's weights in another format: ONNX, Keras 3 (.keras, .weights.h5) or safetensors");
        foreach (var (model, what) in new[] { ("imdb", "IMDB model (10000 multi-hot inputs)"), ("reuters", "Reuters model (10000 multi-hot inputs)"), ("boston", "Boston model (13 raw features)") })
        {
            var weights = new Option<string>("--weights") { Description = $"the weights: .safetensors (aotnet {model} --save-weights), .keras or .weights.h5 (Keras 3)", Required = true, HelpName = "FILE" };
            var to = new Option<string>("--to") { Description = "the file to write; its name picks the format: .onnx, .keras, .weights.h5 or .safetensors", Required = true, HelpName = "FILE" };
            var sub = new Command(model, $"export the {what}") { weights, to };
            sub.SetAction(parse =>
            {
                var request = new ExportRequest(model, parse.GetValue(weights)!, parse.GetValue(to)!);
                return Cli.Run(_ => Run(request, Console.Out), "aotnet export");
            });
            command.Subcommands.Add(sub);
        }

        return command;
    }

    /// <summary>Runs one export; exceptions the user can fix propagate to <see cref="Cli.Run"/> (one line, exit 1).</summary>
    public static int Run(ExportRequest request, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(output);
        if (Path.GetFullPath(request.To) == Path.GetFullPath(request.Weights))
        {
            throw new ArgumentException($"--to {request.To} is the weights file itself; give another file name");
        }

        string format = FormatOf(request.To);

        switch (request.Model)
        {
            case "imdb":
                Export(Load<ImdbNet>(request.Weights, "imdb", out var imdbMetadata), imdbMetadata, request, format, normalized: false);
                break;
            case "reuters":
                Export(Load<ReutersNet>(request.Weights, "reuters", out var reutersMetadata), reutersMetadata, request, format, normalized: false);
                break;
            case "boston":
                Export(Load<BostonNet>(request.Weights, "boston_housing", out var bostonMetadata), bostonMetadata, request, format, normalized: true);
                break;
            default:
                throw new ArgumentException($"unknown model '{request.Model}' (expected imdb, reuters or boston)");
        }

        output.WriteLine($"wrote {request.To} ({format})");
        return Cli.Ok;
    }

    private static string FormatOf(string path) =>
        path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? "onnx"
        : path.EndsWith(".keras", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".weights.h5", StringComparison.OrdinalIgnoreCase) ? "keras"
        : path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) ? "safetensors"
        : throw new ArgumentException($"--to {path}: the name must end in .onnx, .keras, .weights.h5 or .safetensors (the format is chosen by it)");

    /// <summary>The weights from AotNet's safetensors (with their metadata) or from a Keras 3 file (checked against the model; no metadata).</summary>
    private static TModel Load<TModel>(string path, string dataset, out Dictionary<string, string> metadata)
        where TModel : class, IModel<TModel>
    {
        if (path.EndsWith(".keras", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".h5", StringComparison.OrdinalIgnoreCase))
        {
            var model = TModel.Create(0);
            KerasFile.Load(model, path);
            metadata = new Dictionary<string, string> { ["dataset"] = dataset, ["model"] = TModel.Description.Name, ["topology"] = TModel.Description.Topology, ["source"] = Path.GetFileName(path) };
            return model;
        }

        return PredictCommand.LoadWeights<TModel>(path, dataset, out metadata);
    }

    private static void Export<TModel>(TModel model, Dictionary<string, string> metadata, ExportRequest request, string format, bool normalized)
        where TModel : class, IModel<TModel>
    {
        switch (format)
        {
            case "onnx":
                var options = new OnnxExportOptions
                {
                    Metadata = metadata,
                    InputMean = normalized ? PredictCommand.Floats(metadata, "normalization_mean", request.Weights) : null,
                    InputStd = normalized ? PredictCommand.Floats(metadata, "normalization_std", request.Weights) : null,
                };
                OnnxExport.WriteFile(model, request.To, options);
                break;
            case "keras":
                KerasFile.Save(model, request.To);
                break;
            case "safetensors":
                Experiments.ModelFactory.Save(model, request.To, metadata);
                break;
        }
    }
}

/// <summary>What <c>aotnet export</c> was asked for.</summary>
/// <param name="Model">imdb, reuters or boston.</param>
/// <param name="Weights">The safetensors file.</param>
/// <param name="To">The file to write (its extension picks the format).</param>
public sealed record ExportRequest(string Model, string Weights, string To);
