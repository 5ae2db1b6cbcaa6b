using System.Globalization;
using System.Runtime.InteropServices;

namespace AotNet.Reporting;

/// <summary>The machine a run happens on, as results files and reports record it.</summary>
public static class MachineInfo
{
    /// <summary>The CPU's model name ("Intel(R) Xeon(R) …"), or "x64 processor" when the system does not say.</summary>
    public static string Cpu()
    {
        try
        {
            if (OperatingSystem.IsLinux() && File.Exists("/proc/cpuinfo"))
            {
                foreach (string line in File.ReadLines("/proc/cpuinfo"))
                {
                    // x86: "model name : AMD EPYC ..."; many ARM kernels give no model name, only "CPU part"
                    if (line.StartsWith("model name", StringComparison.Ordinal) || line.StartsWith("Model", StringComparison.Ordinal))
                    {
                        int colon = line.IndexOf(':', StringComparison.Ordinal);
                        if (colon > 0 && line[(colon + 1)..].Trim() is { Length: > 0 } model)
                        {
                            return model;
                        }
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return string.Create(CultureInfo.InvariantCulture, $"{RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()} processor");
    }

    /// <summary>The OS architecture in lower case: x64, arm64.</summary>
    public static string Architecture => RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();

    /// <summary>One line: "AMD EPYC 7B13, 2 cores, x64, Debian GNU/Linux 12, .NET 10.0.0".</summary>
    public static string Describe() => string.Join(", ", new[]
    {
        Cpu(), $"{Environment.ProcessorCount} cores", Architecture, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription,
    }.Where(p => p.Length > 0));
}
