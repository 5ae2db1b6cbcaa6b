using System.Reflection;

namespace AotNet.Tests;

/// <summary>Every test that can be skipped says why and what to do, so "skipped" never hides a missing step.</summary>
public class SkipReasonTests
{
    [Fact]
    public void Every_skip_in_this_run_gives_a_reason_with_what_to_do()
    {
        var skipped = typeof(SkipReasonTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static))
            .SelectMany(m => m.GetCustomAttributes<FactAttribute>().Select(a => (Method: $"{m.DeclaringType!.Name}.{m.Name}", a.Skip)))
            .Where(x => x.Skip is not null)
            .ToList();
        Assert.All(skipped, x =>
        {
            Assert.False(string.IsNullOrWhiteSpace(x.Skip), $"{x.Method} is skipped without a reason");
            Assert.True(x.Skip!.Length >= 30, $"{x.Method}: '{x.Skip}' does not say why and what to do");
        });
    }

    [Fact]
    public void The_native_binary_is_found_at_the_readme_publish_path_or_the_reason_says_how_to_get_it()
    {
        var (path, reason) = App.AppRun.NativeBinary;
        if (path is null)
        {
            Assert.Contains("publish", reason);
            return;
        }

        Assert.True(File.Exists(path));
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AOTNET_BINARY")))
        {
            Assert.Equal(Path.Combine(TestData.RepoRoot, App.AppRun.PublishPath), path);
        }
    }
}
