using System.CommandLine;
using AotNet.Export;
using AotNet.Training;

namespace AotNet.App.Commands;

/// <summary>
/// <c>aotnet export imdb|reuters|boston --weights FILE --to FILE.onnx</c>: writes a seed model with weights saved by
/// <c>aotnet imdb|reuters|boston --save-weights FILE</c> in another format, chosen by the name of <c>--to</c>
/// (see docs/export.md). Boston's ONNX graph takes the 13 raw features, as <c>aotnet predict boston</c> does:
/// its first nodes normalise them with the training mean and std stored in the weights.
/// </summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var command = new Command("export", "write a model with saved weights in another format (ONNX: --to FILE.onnx)");
        foreach (var (model, what) in new[] { ("imdb", "IMDB model (10000 multi-hot inputs)"), ("reuters", "Reuters model (10000 multi-hot inputs)"), ("boston", "Boston model (13 raw features)") })
        {
            var weights = new Option<string>("--weights") { Description = $"safetensors file written by aotnet {model} --save-weights", Required = true, HelpName = "FILE" };
            var to = new Option<string>("--to") { Description = "the file to write; its name picks the format: .onnx", Required = true, HelpName = "FILE" };
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
                Export(PredictCommand.LoadWeights<ImdbNet>(request.Weights, "imdb", out var imdbMetadata), imdbMetadata, request, format, normalized: false);
                break;
            case "reuters":
                Export(PredictCommand.LoadWeights<ReutersNet>(request.Weights, "reuters", out var reutersMetadata), reutersMetadata, request, format, normalized: false);
                break;
            case "boston":
                Export(PredictCommand.LoadWeights<BostonNet>(request.Weights, "boston_housing", out var bostonMetadata), bostonMetadata, request, format, normalized: true);
                break;
            default:
                throw new ArgumentException($"unknown model '{request.Model}' (expected imdb, reuters or boston)");
        }

        output.WriteLine($"wrote {request.To} ({format})");
        return Cli.Ok;
    }

    private static string FormatOf(string path) =>
        path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)
            ? "onnx"
            : throw new ArgumentException($"--to {path}: the name must end in .onnx (the format is chosen by it)");

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
        }
    }
}

/// <summary>What <c>aotnet export</c> was asked for.</summary>
/// <param name="Model">imdb, reuters or boston.</param>
/// <param name="Weights">The safetensors file.</param>
/// <param name="To">The file to write (its extension picks the format).</param>
public sealed record ExportRequest(string Model, string Weights, string To);
