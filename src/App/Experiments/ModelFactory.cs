using AotNet.IO;
using AotNet.Training;

namespace AotNet.App.Experiments;

/// <summary>Creates a seed model: random glorot_uniform weights, or the weights of <c>--initial-weights</c>.</summary>
internal static class ModelFactory
{
    public static TModel Create<TModel>(RunSettings settings, ulong index = 0)
        where TModel : class, IModel<TModel>
    {
        var model = TModel.Create(Seeds.Derive(settings.Seed, Seeds.Weights, index));
        if (settings.InitialWeights is { } path)
        {
            InitialParameters<TModel>(path).CopyTo(model.Parameters, 0);
        }

        return model;
    }

    /// <summary>
    /// Reads and checks <c>--initial-weights</c> now, before any data is loaded or trained on (the runner calls this
    /// first); <see cref="Create"/> then copies the parameters read here, so parallel folds never read the file again.
    /// </summary>
    public static void LoadInitialWeights<TModel>(RunSettings settings)
        where TModel : class, IModel<TModel>
    {
        if (settings.InitialWeights is { } path)
        {
            lock (Gate)
            {
                _initial = null; // read it afresh for this run
                _ = InitialParameters<TModel>(path);
            }
        }
    }

    private static readonly object Gate = new();
    private static (string Path, Type Model, float[] Parameters)? _initial;

    /// <summary>The parameter block of <paramref name="path"/> for <typeparamref name="TModel"/>, read once per run.</summary>
    private static float[] InitialParameters<TModel>(string path)
        where TModel : class, IModel<TModel>
    {
        lock (Gate)
        {
            if (_initial is { } cached && cached.Path == path && cached.Model == typeof(TModel))
            {
                return cached.Parameters;
            }

            var parameters = new float[TModel.Description.ParameterCount];
            SafeTensors.ReadFile(path, TModel.Description, parameters);
            _initial = (path, typeof(TModel), parameters);
            return parameters;
        }
    }

    public static void Save<TModel>(TModel model, string path, IReadOnlyDictionary<string, string> metadata)
        where TModel : class, IModel<TModel>
    {
        ModelWeights.Save(path, TModel.Description, model.Parameters, metadata, model.State);
    }
}
