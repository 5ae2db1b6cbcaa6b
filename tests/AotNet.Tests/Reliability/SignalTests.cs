using System.Net.Sockets;
using System.Text;
using AotNet.Data.Keras;
using AotNet.Tests.Data;

namespace AotNet.Tests.Reliability;

/// <summary>
/// Issue 13, cause 1: SIGINT and SIGTERM stop every command within about a second (exit 130 / 143) and leave nothing
/// behind, also where the command waits on something no token reaches (stdin, a stalled word-index download).
/// The real executable runs as a child process; readiness is polled from its output, never guessed by sleeping.
/// </summary>
public sealed class SignalTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-signal").FullName;
    private readonly LoopbackHttpServer _server = new();

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static Func<NetworkStream, CancellationToken, Task> Stall(string head) => async (stream, stop) =>
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), stop);
        await stream.WriteAsync(new byte[100], stop);
        await stream.FlushAsync(stop);
        await Task.Delay(Timeout.Infinite, stop);
    };

    [Theory]
    [InlineData("INT", 130, "interrupted")]
    [InlineData("TERM", 143, "terminated")]
    public async Task Predict_waiting_on_stdin_stops_at_the_signal(string signal, int code, string message)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string weights = Path.Combine(_dir, "boston.safetensors");
        File.WriteAllBytes(weights, Fixtures.BostonWeights());

        // one row answered, then predict waits for the next line on a stdin that stays open
        var (result, after) = await AppProcess.RunAndSignal(
            ["predict", "boston", "--weights", weights],
            line => line.EndsWith("k$", StringComparison.Ordinal),
            signal,
            stdin: string.Join(' ', Fixtures.BostonRow) + "\n");
        Assert.True(result.Code == code, $"exit {result.Code}\n{result.Err}");
        Assert.Contains(message, result.Err);
        Assert.DoesNotContain("   at ", result.Err);
        Assert.True(after < TimeSpan.FromSeconds(10), $"took {after} after SIG{signal}");
    }

    [Theory]
    [InlineData("INT", 130)]
    [InlineData("TERM", 143)]
    public async Task A_stalled_word_index_download_stops_at_the_signal_and_leaves_no_part_file(string signal, int code)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        _server.ServeRaw(Imdb.WordIndexFileName, Stall("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"));
        string data = Directory.CreateDirectory(Path.Combine(_dir, "data")).FullName;
        string weights = Path.Combine(_dir, "imdb.safetensors");
        File.WriteAllBytes(weights, Fixtures.ImdbWeights());
        var (result, _) = await AppProcess.RunAndSignal(
            ["predict", "imdb", "--weights", weights, "--data-dir", data, "a fine film"],
            line => line.Contains($"downloading {Imdb.WordIndexFileName}", StringComparison.Ordinal),
            signal,
            environment: new Dictionary<string, string> { ["AOTNET_DATASETS_ORIGIN"] = _server.BaseUrl });
        Assert.True(result.Code == code, $"exit {result.Code}\n{result.Err}");
        Assert.DoesNotContain("   at ", result.Err);
        Assert.Empty(Directory.EnumerateFileSystemEntries(data)); // no .part file, no word index
    }

    [Fact]
    public async Task Sigterm_during_a_stalled_dataset_download_exits_143_and_removes_the_part_file()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        _server.ServeRaw(BostonHousing.FileName, Stall("HTTP/1.1 200 OK\r\nContent-Length: 57026\r\n\r\n"));
        var (result, _) = await AppProcess.RunAndSignal(
            ["data", "boston", "--data-dir", _dir],
            line => line.Contains($"downloading {BostonHousing.FileName}", StringComparison.Ordinal),
            "TERM",
            environment: new Dictionary<string, string> { ["AOTNET_DATASETS_ORIGIN"] = _server.BaseUrl });
        Assert.True(result.Code == 143, $"exit {result.Code}\n{result.Err}");
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public async Task Sigterm_during_training_exits_143_and_writes_nothing()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.WriteAllBytes(Path.Combine(_dir, HostileInputs.Boston), HostileInputs.BostonNpz(rows: 200));
        string output = Path.Combine(_dir, "out");
        string weights = Path.Combine(_dir, "weights.safetensors");
        var (result, _) = await AppProcess.RunAndSignal(
            ["boston", "--epochs", "50000", "--data-dir", _dir, "--no-verify", "--out", output, "--save-weights", weights, "--threads", "2"],
            line => line.StartsWith("boston:", StringComparison.Ordinal),
            "TERM");
        Assert.True(result.Code == 143, $"exit {result.Code}\n{result.Err}");
        Assert.Contains("terminated", result.Err);
        Assert.Empty(Directory.EnumerateFileSystemEntries(output));
        Assert.Equal([HostileInputs.Boston, "out"], Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
