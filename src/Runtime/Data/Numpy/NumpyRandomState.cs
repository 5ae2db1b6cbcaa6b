namespace AotNet.Data.Numpy;

/// <summary>
/// A port of the parts of numpy's legacy <c>np.random.RandomState</c> that Keras's <c>load_data</c> uses:
/// the MT19937 generator seeded from an integer exactly as <c>RandomState(seed)</c> does (numpy's
/// <c>_legacy_seeding</c> calls <c>mt19937_seed</c>, i.e. the reference <c>init_genrand</c>), and
/// <c>shuffle</c> (Fisher–Yates from the end, drawing with <c>random_interval</c>: masked rejection sampling).
/// Same seed, same permutation as numpy.
/// </summary>
public sealed class NumpyRandomState
{
    private const int N = 624;
    private const int M = 397;
    private const uint MatrixA = 0x9908b0dfu;
    private const uint UpperMask = 0x80000000u;
    private const uint LowerMask = 0x7fffffffu;

    private readonly uint[] _mt = new uint[N];
    private int _index;

    /// <summary>Seeds like <c>np.random.RandomState(seed)</c> (seed in 0 .. 2^32-1).</summary>
    public NumpyRandomState(uint seed)
    {
        _mt[0] = seed;
        for (int i = 1; i < N; i++)
        {
            uint previous = _mt[i - 1];
            _mt[i] = (1812433253u * (previous ^ (previous >> 30))) + (uint)i;
        }

        _index = N;
    }

    /// <summary>The next raw 32-bit MT19937 output.</summary>
    public uint NextUInt32()
    {
        if (_index >= N)
        {
            Generate();
        }

        uint y = _mt[_index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary>A 64-bit draw made of two 32-bit outputs, high word first (numpy's legacy <c>next_uint64</c>).</summary>
    public ulong NextUInt64()
    {
        ulong high = NextUInt32();
        return (high << 32) | NextUInt32();
    }

    /// <summary>A uniform integer in [0, <paramref name="max"/>] by numpy's <c>random_interval</c>: draw, mask to the smallest covering bit mask, reject values above max.</summary>
    public ulong Interval(ulong max)
    {
        if (max == 0)
        {
            return 0;
        }

        ulong mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        mask |= mask >> 32;

        ulong value;
        if (max <= uint.MaxValue)
        {
            while ((value = NextUInt32() & mask) > max)
            {
            }
        }
        else
        {
            while ((value = NextUInt64() & mask) > max)
            {
            }
        }

        return value;
    }

    /// <summary>Shuffles in place exactly like numpy's legacy <c>RandomState.shuffle</c> on a 1-D array.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = (int)Interval((ulong)i);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary><c>indices = np.arange(n); rng.shuffle(indices)</c>.</summary>
    public int[] ShuffledRange(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        int[] indices = new int[n];
        for (int i = 0; i < n; i++)
        {
            indices[i] = i;
        }

        Shuffle<int>(indices);
        return indices;
    }

    private void Generate()
    {
        int k;
        uint y;
        for (k = 0; k < N - M; k++)
        {
            y = (_mt[k] & UpperMask) | (_mt[k + 1] & LowerMask);
            _mt[k] = _mt[k + M] ^ (y >> 1) ^ ((0u - (y & 1u)) & MatrixA);
        }

        for (; k < N - 1; k++)
        {
            y = (_mt[k] & UpperMask) | (_mt[k + 1] & LowerMask);
            _mt[k] = _mt[k + (M - N)] ^ (y >> 1) ^ ((0u - (y & 1u)) & MatrixA);
        }

        y = (_mt[N - 1] & UpperMask) | (_mt[0] & LowerMask);
        _mt[N - 1] = _mt[M - 1] ^ (y >> 1) ^ ((0u - (y & 1u)) & MatrixA);
        _index = 0;
    }
}
