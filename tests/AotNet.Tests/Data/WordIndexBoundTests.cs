using System.Diagnostics;
using System.Globalization;
using System.Text;
using AotNet.App;
using AotNet.App.Experiments;
using AotNet.Data;
using AotNet.Data.Keras;
using AotNet.Tests.Reliability;

namespace AotNet.Tests.Data;

/// <summary>
/// Issue 21 item 9: a word index is read as a stream and only the words a tokenizer can use (index ≤ num_words −
/// index_from − 1) are kept, so memory follows num_words, not the file: a 3.3 M-entry index took
/// <c>predict imdb --no-verify</c> to 445 MB peak RSS. The whole file is still checked.
/// </summary>
public sealed class WordIndexBoundTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-wordindex-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>{"w0": 1, …} in a shuffled order, with an escaped key and a non-ASCII one; compact like a generated file.</summary>
    private string Generate(int entries)
    {
        var order = Enumerable.Range(1, entries).ToArray();
        new Random(7).Shuffle(order);
        string path = Path.Combine(_dir, "imdb_word_index.json");
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        writer.Write('{');
        for (int i = 0; i < order.Length; i++)
        {
            int index = order[i];
            string word = index switch
            {
                5 => "quote\\\"d",
                6 => "caf\u00e9",
                _ => "w" + index.ToString(CultureInfo.InvariantCulture),
            };
            writer.Write(i == 0 ? "\"" : ",\"");
            writer.Write(word);
            writer.Write("\":");
            writer.Write(index.ToString(CultureInfo.InvariantCulture));
        }

        writer.Write('}');
        return path;
    }

    [Fact]
    public void Only_the_words_up_to_the_bound_are_kept_and_tokens_are_the_same_as_with_every_word()
    {
        string path = Generate(300_000);
        var bounded = WordIndex.Load(path, maxIndex: 9996);
        var full = WordIndex.Load(path);
        Assert.Equal(9996, bounded.Count);
        Assert.Equal(300_000, full.Count);
        Assert.All(bounded.Words, p => Assert.True(p.Value <= 9996 && full.Words[p.Key] == p.Value));
        Assert.Equal(5, bounded.Words["quote\"d"]);
        Assert.Equal(6, bounded.Words["caf\u00e9"]);

        const string Text = "w1 w9996 w9997 w299999 Café quote\"d nothing w42";
        Assert.Equal(new KerasTokenizer(full).Encode(Text), new KerasTokenizer(bounded).Encode(Text));
    }

    [Theory]
    [InlineData("""{"a": 1, "b": -1}""")] // a bad value beyond the bound is still refused
    [InlineData("""{"a": 1, "b": 500000, "c": "x"}""")]
    [InlineData("""{"a": 1, "a": 50000}""")] // a kept word again, with an index beyond the bound
    [InlineData("""{"a": 1, "b": 70000} x""")]
    [InlineData("")]
    public void The_whole_file_is_still_checked(string json)
    {
        string path = Path.Combine(_dir, "w.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<DataFormatException>(() => WordIndex.Load(path, maxIndex: 10));
        Assert.Contains("w.json", e.Message);
    }

    [Fact]
    public void A_word_that_is_not_utf8_is_a_data_format_error()
    {
        byte[] json = [.. "{\"ok\": 1, \"nunn"u8, 0xD5, .. "y\": 2}"u8];
        var e = Assert.Throws<DataFormatException>(() => WordIndex.Parse(new MemoryStream(json), "w.json", 10));
        Assert.Contains("not valid UTF-8", e.Message);
    }

    /// <summary>
    /// The case through the app: a 3.3 M-entry (53 MB) index, <c>predict imdb --no-verify</c>; peak RSS of the
    /// child (getrusage of /usr/bin/python3's child) stays far below the 445 MB the whole index took. A memory
    /// bound, not a timing.
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public async Task Predict_imdb_with_a_huge_index_under_no_verify_keeps_memory_bounded()
    {
        Assert.True(File.Exists("/usr/bin/python3"), "/usr/bin/python3 measures the child's peak RSS");
        Generate(3_300_000);
        string weights = Path.Combine(_dir, "imdb.safetensors");
        ModelFactory.Save(ImdbNet.Create(3), weights, new Dictionary<string, string> { ["dataset"] = "imdb" });

        var app = AppProcess.StartInfo(["predict", "imdb", "--weights", weights, "--data-dir", _dir, "--no-verify", "w1 w2 good film"]);
        var info = new ProcessStartInfo("/usr/bin/python3")
        {
            ArgumentList =
            {
                "-c",
                "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
                + "print('maxrss_kb', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(r.returncode)",
                app.FileName,
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = app.WorkingDirectory,
        };
        foreach (string a in app.ArgumentList)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (key, value) in app.Environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        string err = await error, stdout = await output;
        Assert.True(process.ExitCode == 0, err);
        Assert.Contains("w1 w2 good film", stdout);
        string line = err.Split('\n').Single(l => l.StartsWith("maxrss_kb ", StringComparison.Ordinal));
        long megabytes = long.Parse(line[10..], CultureInfo.InvariantCulture) >> 10;

        // the whole index held as strings took 445 MB (AOT binary); a JIT-run app starts near 100 MB
        Assert.True(megabytes < 200, $"peak RSS {megabytes} MB while reading a 3.3 M-entry word index under --no-verify");
    }
}
