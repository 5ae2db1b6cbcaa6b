using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using AotNet.Data;
using AotNet.Kernels;

namespace AotNet.Training;

/// <summary>
/// The gradient of a first dense layer's kernel for a batch of multi-hot rows, kept row-wise instead of as a block:
/// the layer's deltas of every batch row plus, per chunk, which batch rows contain each input (a transposed index).
/// An optimizer can then form and apply kernel row <c>j</c>'s gradient in one go, touching only the rows the batch
/// uses, with no gradient block to clear, scatter into, reduce across chunks and stream through.
/// </summary>
/// <remarks>
/// <para>Row <c>j</c>'s gradient is summed exactly as the block path sums it: within each chunk the deltas in row
/// order starting from +0 (<see cref="DenseKernels.ScatterAddRows"/> into a zeroed block), then the chunk sums in chunk
/// order (the trainer's reduction). A chunk that does not contain <c>j</c> adds +0 there, which changes nothing (a sum
/// started from +0 is never −0), so it is skipped. Hence the same floats, bit for bit, for any thread count.</para>
/// <para>Rows no batch row uses have a zero gradient: RMSprop leaves their weights as they are and only decays their
/// velocity (<c>v = ρv</c>), exactly what the full expression gives.</para>
/// </remarks>
public sealed class FirstKernelGradient
{
    /// <summary>Kernel rows are split into this many ranges for the optimizer step, whatever the thread count.</summary>
    public const int RowJobs = 8;

    private const int Width = 8; // Vector256<float>.Count

    private readonly int _chunkRows;
    private readonly float[] _deltas;
    private readonly int[][] _starts;   // per chunk: input j's batch rows are _entries[_starts[c][j] .. _starts[c][j + 1])
    private readonly int[][] _cursors;  // per chunk: fill positions while indexing
    private readonly int[][] _bounds;   // per optimizer job: the non-empty (start, end) pairs of the current row
    private int[] _entries = [];        // chunk c's region starts at c * _chunkCapacity
    private int _chunkCapacity;

    public FirstKernelGradient(int inputs, int units, int chunkRows, int maxChunks)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(units);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkRows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxChunks);
        Inputs = inputs;
        Units = units;
        _chunkRows = chunkRows;
        _deltas = GC.AllocateArray<float>(checked(chunkRows * maxChunks * units), pinned: true);
        _starts = new int[maxChunks][];
        _cursors = new int[maxChunks][];
        for (int c = 0; c < maxChunks; c++)
        {
            _starts[c] = new int[inputs + 1];
            _cursors[c] = new int[inputs];
        }

        _bounds = new int[RowJobs][];
        for (int job = 0; job < RowJobs; job++)
        {
            _bounds[job] = new int[2 * maxChunks];
        }
    }

    /// <summary>Kernel rows (the layer's inputs).</summary>
    public int Inputs { get; }

    /// <summary>Kernel columns (the layer's units).</summary>
    public int Units { get; }

    /// <summary>Chunks of the current batch.</summary>
    public int Chunks { get; private set; }

    /// <summary>The most chunks a batch may have (the constructor's <c>maxChunks</c>).</summary>
    public int MaxChunks => _starts.Length;

    /// <summary>Makes room for any batch of <paramref name="data"/>: a chunk holds at most its longest rows' entries.</summary>
    public void Reserve(CsrMatrix data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Cols != Inputs)
        {
            throw new ArgumentException($"{data.Cols} input columns, expected {Inputs}", nameof(data));
        }

        var lengths = new int[data.Rows];
        for (int r = 0; r < lengths.Length; r++)
        {
            lengths[r] = data.RowOffsets[r + 1] - data.RowOffsets[r];
        }

        Array.Sort(lengths);
        long most = 0;
        for (int r = lengths.Length - 1; r >= Math.Max(0, lengths.Length - _chunkRows); r--)
        {
            most += lengths[r];
        }

        if (most > _chunkCapacity)
        {
            _chunkCapacity = checked((int)most);
            _entries = new int[checked(_chunkCapacity * _starts.Length)];
        }
    }

    /// <summary>Starts a batch of <paramref name="chunks"/> chunks.</summary>
    public void Begin(int chunks)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunks);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(chunks, _starts.Length);
        Chunks = chunks;
    }

    /// <summary>Where the model writes the first layer's deltas of chunk <paramref name="chunk"/>'s rows, one row after another.</summary>
    public Span<float> ChunkDeltas(int chunk, int rows) => _deltas.AsSpan(chunk * _chunkRows * Units, rows * Units);

    /// <summary>Indexes chunk <paramref name="chunk"/>: for each input, the batch rows (in order) whose inputs contain it.</summary>
    public void IndexChunk(int chunk, CsrMatrix inputs, ReadOnlySpan<int> rows)
    {
        int[] starts = _starts[chunk], cursors = _cursors[chunk], entries = _entries;
        Array.Clear(starts);
        starts[0] = chunk * _chunkCapacity; // the counts below become absolute positions in _entries
        foreach (int row in rows)
        {
            foreach (int column in inputs.Row(row))
            {
                starts[column + 1]++;
            }
        }

        for (int j = 0; j < Inputs; j++)
        {
            starts[j + 1] += starts[j];
        }

        if (starts[Inputs] - starts[0] > _chunkCapacity)
        {
            throw new InvalidOperationException("the batch holds more entries than reserved for; call Reserve with the data first");
        }

        Array.Copy(starts, cursors, Inputs);
        int batchRow = chunk * _chunkRows;
        foreach (int row in rows)
        {
            foreach (int column in inputs.Row(row))
            {
                entries[cursors[column]++] = batchRow;
            }

            batchRow++;
        }
    }

    // the kernel rows of optimizer job `job` (of RowJobs)
    private (int Start, int End) JobRows(int job)
    {
        int per = (Inputs + RowJobs - 1) / RowJobs;
        int start = Math.Min(Inputs, job * per);
        return (start, Math.Min(Inputs, start + per));
    }

    /// <summary>
    /// RMSprop on the kernel rows of optimizer job <paramref name="job"/>: exactly <see cref="OptimizerKernels.RmsProp"/>
    /// (or its legacy form) over those rows of a gradient block holding this batch's kernel gradient times
    /// <paramref name="scale"/>, with each row's gradient formed in registers as it is used.
    /// </summary>
    public void RmsProp(int job, Span<float> kernel, Span<float> velocity, float scale, float learningRate, float rho, float epsilon, bool legacyEpsilon)
    {
        if (kernel.Length != Inputs * Units || velocity.Length != kernel.Length)
        {
            throw new ArgumentException("kernel and velocity must hold inputs x units floats");
        }

        var (start, end) = JobRows(job);
        var constants = new OptimizerKernels.RmsPropConstants(scale, learningRate, rho, epsilon);
        if (legacyEpsilon)
        {
            RmsPropRows<OptimizerKernels.EpsilonOutsideSqrt>(start, end, kernel, velocity, _bounds[job], constants);
        }
        else
        {
            RmsPropRows<OptimizerKernels.EpsilonInsideSqrt>(start, end, kernel, velocity, _bounds[job], constants);
        }
    }

    private void RmsPropRows<TDenominator>(int start, int end, Span<float> kernel, Span<float> velocity, Span<int> boundsBuffer, in OptimizerKernels.RmsPropConstants k)
        where TDenominator : struct, OptimizerKernels.IRmsPropDenominator
    {
        int units = Units;
        ref float w0 = ref MemoryMarshal.GetReference(kernel);
        ref float v0 = ref MemoryMarshal.GetReference(velocity);
        ref float deltas = ref MemoryMarshal.GetArrayDataReference(_deltas);
        for (int row = start; row < end; row++)
        {
            ref float w = ref Unsafe.Add(ref w0, row * units);
            ref float v = ref Unsafe.Add(ref v0, row * units);
            int used = RowBounds(row, boundsBuffer);
            if (used == 0)
            {
                OptimizerKernels.Decay(ref v, units, k.Rho); // a zero gradient row: v = ρv + (1 − ρ)·0 = ρv, and w − lr·0/… = w
                continue;
            }

            ReadOnlySpan<int> bounds = boundsBuffer[..(2 * used)];
            int j = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; j + (2 * Width) <= units; j += 2 * Width)
                {
                    GradientBlocks(bounds, ref deltas, j, out var g0, out var g1);
                    OptimizerKernels.RmsPropVector<TDenominator>(ref w, ref v, (nuint)j, g0, k);
                    OptimizerKernels.RmsPropVector<TDenominator>(ref w, ref v, (nuint)(j + Width), g1, k);
                }

                for (; j + Width <= units; j += Width)
                {
                    OptimizerKernels.RmsPropVector<TDenominator>(ref w, ref v, (nuint)j, GradientBlock(bounds, ref deltas, j), k);
                }
            }

            for (; j < units; j++)
            {
                OptimizerKernels.RmsPropElement<TDenominator>(ref Unsafe.Add(ref w, j), ref Unsafe.Add(ref v, j), GradientElement(bounds, ref deltas, j), k);
            }
        }
    }

    // the (start, end) entry ranges of the chunks whose rows use input `row`, in chunk order; returns how many
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int RowBounds(int row, Span<int> bounds)
    {
        int used = 0;
        for (int c = 0; c < Chunks; c++)
        {
            int[] starts = _starts[c];
            int start = starts[row], end = starts[row + 1];
            if (start != end)
            {
                bounds[2 * used] = start;
                bounds[(2 * used) + 1] = end;
                used++;
            }
        }

        return used;
    }

    // columns j..j+15 of the row's gradient in one pass over the entries, summed as GradientBlock sums them
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void GradientBlocks(ReadOnlySpan<int> bounds, ref float deltas, int j, out Vector256<float> g0, out Vector256<float> g1)
    {
        ref int entries = ref MemoryMarshal.GetArrayDataReference(_entries);
        g0 = g1 = Vector256<float>.Zero;
        for (int b = 0; b < bounds.Length; b += 2)
        {
            Vector256<float> s0 = default, s1 = default;
            for (int e = bounds[b]; e < bounds[b + 1]; e++)
            {
                ref float d = ref Unsafe.Add(ref deltas, (Unsafe.Add(ref entries, e) * Units) + j);
                s0 += Vector256.LoadUnsafe(ref d);
                s1 += Vector256.LoadUnsafe(ref d, Width);
            }

            (g0, g1) = b == 0 ? (s0, s1) : (g0 + s0, g1 + s1);
        }
    }

    // columns j..j+7 of the row's gradient: (+0 + deltas of the first chunk's rows in order) + (+0 + the next chunk's) + …
    // (a chunk without the row would add +0, which changes nothing, so it is not in `bounds`)
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector256<float> GradientBlock(ReadOnlySpan<int> bounds, ref float deltas, int j)
    {
        ref int entries = ref MemoryMarshal.GetArrayDataReference(_entries);
        var total = Vector256<float>.Zero;
        for (int b = 0; b < bounds.Length; b += 2)
        {
            var sum = Vector256<float>.Zero;
            for (int e = bounds[b]; e < bounds[b + 1]; e++)
            {
                sum += Vector256.LoadUnsafe(ref deltas, (nuint)((Unsafe.Add(ref entries, e) * Units) + j));
            }

            total = b == 0 ? sum : total + sum;
        }

        return total;
    }

    private float GradientElement(ReadOnlySpan<int> bounds, ref float deltas, int j)
    {
        ref int entries = ref MemoryMarshal.GetArrayDataReference(_entries);
        float total = 0f;
        for (int b = 0; b < bounds.Length; b += 2)
        {
            float sum = 0f;
            for (int e = bounds[b]; e < bounds[b + 1]; e++)
            {
                sum += Unsafe.Add(ref deltas, (Unsafe.Add(ref entries, e) * Units) + j);
            }

            total = b == 0 ? sum : total + sum;
        }

        return total;
    }
}
