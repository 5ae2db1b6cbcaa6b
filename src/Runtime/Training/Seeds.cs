namespace AotNet.Training;

/// <summary>Derives independent, reproducible seeds from one user seed (SplitMix64 finaliser over seed and stream).</summary>
public static class Seeds
{
    /// <summary>Stream ids used by the trainer and the experiments.</summary>
    public const ulong Weights = 1, Shuffle = 2, Dropout = 3;

    public static ulong Derive(ulong seed, ulong stream, ulong index = 0)
    {
        ulong z = seed ^ (stream * 0x9E3779B97F4A7C15UL) ^ (index * 0xD1B54A32D192ED03UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
