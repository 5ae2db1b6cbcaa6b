using System.Globalization;

namespace AotNet.Training;

/// <summary>
/// Keras's <c>CSVLogger(filename, separator=",", append=False)</c>: one row per epoch with the epoch (0-based, as Keras
/// writes it) and every history key in Keras's order, written and flushed at the end of each epoch.
/// </summary>
public sealed class CsvLogger(string path, char separator = ',', bool append = false) : ITrainingObserver, IDisposable, IFitCheck
{
    private StreamWriter? _writer;

    public string Path { get; } = path ?? throw new ArgumentNullException(nameof(path));

    /// <summary>Before the first epoch: the file's folder exists and takes files, and the path is a regular file or missing.</summary>
    void IFitCheck.CheckBeforeFit(History history)
    {
        if (_writer is null)
        {
            try
            {
                AotNet.IO.AtomicFile.CheckWritable(Path);
            }
            catch (IOException e)
            {
                throw new IOException($"CsvLogger: {e.Message}", e);
            }
        }
    }

    public void OnEpochEnd(int epoch, History history, TimeSpan epochTime)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (_writer is null)
        {
            bool header = !append || !File.Exists(Path) || new FileInfo(Path).Length == 0;
            _writer = new StreamWriter(Path, append, new System.Text.UTF8Encoding(false)) { NewLine = "\n" };
            if (header)
            {
                _writer.WriteLine("epoch" + separator + string.Join(separator, history.Keys));
            }
        }

        var line = new System.Text.StringBuilder((epoch - 1).ToString(CultureInfo.InvariantCulture));
        foreach (string key in history.Keys)
        {
            line.Append(separator).Append(history[key][epoch - 1].ToString("R", CultureInfo.InvariantCulture));
        }

        _writer.WriteLine(line.ToString());
        _writer.Flush();
    }

    public void Dispose() => _writer?.Dispose();
}
