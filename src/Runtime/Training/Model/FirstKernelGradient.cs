using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
/// <para>Rows no batch row uses have a zero gradient: RMSprop and SGD leave their weights as they are (RMSprop only
/// decays its velocity, <c>v = ρv</c>), exactly what the full expression gives; Adam and momentum apply the full update
/// with <c>g = +0</c>. The step is generic over the update (<see cref="Step{TUpdate}"/>) and written once over the vector
/// widths, so it gives the same bits at every width.</para>
/// </remarks>
public sealed class FirstKernelGradient
{
    /// <summary>Kernel rows are split into this many ranges for the optimizer step, whatever the thread count.</summary>
    public const int RowJobs = 8;

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
    /// The optimizer step <paramref name="update"/> on the kernel rows of optimizer job <paramref name="job"/>: exactly
    /// <see cref="OptimizerKernels.Apply{TUpdate}"/> over those rows of a gradient block holding this batch's kernel
    /// gradient times <paramref name="scale"/>, with each row's gradient formed in registers as it is used. Rows no batch
    /// row uses have the gradient +0 (the state-only update where the weight stays, else the full update).
    /// </summary>
    public void Step<TUpdate>(int job, in TUpdate update, Span<float> kernel, Span<float> s1, Span<float> s2, float scale)
        where TUpdate : struct, IOptimizerUpdate
    {
        if (kernel.Length != Inputs * Units)
        {
            throw new ArgumentException("the kernel must hold inputs x units floats");
        }

        OptimizerKernels.CheckState<TUpdate>(kernel.Length, s1, s2);
        var (start, end) = JobRows(job);
        if (Lanes256.IsHardwareAccelerated)
        {
            StepRows<TUpdate, Lanes256>(update, start, end, kernel, s1, s2, _bounds[job], scale);
        }
        else if (Lanes128.IsHardwareAccelerated)
        {
            StepRows<TUpdate, Lanes128>(update, start, end, kernel, s1, s2, _bounds[job], scale);
        }
        else
        {
            StepRows<TUpdate, Scalar>(update, start, end, kernel, s1, s2, _bounds[job], scale);
        }
    }

    // rows start..end at one width (whole blocks of TV, then scalar), the constants broadcast once
    private void StepRows<TUpdate, TV>(in TUpdate u, int start, int end, Span<float> kernel, Span<float> s1, Span<float> s2, Span<int> boundsBuffer, float scale)
        where TUpdate : struct, IOptimizerUpdate
        where TV : struct, ILanes<TV>
    {
        int units = Units;
        var k = u.Constants<TV>();
        var k1 = u.Constants<Scalar>();
        var vs = TV.Create(scale);
        var vs1 = new Scalar(scale);
        ref float w0 = ref MemoryMarshal.GetReference(kernel);
        ref float a0 = ref MemoryMarshal.GetReference(s1);
        ref float b0 = ref MemoryMarshal.GetReference(s2);
        ref float deltas = ref MemoryMarshal.GetArrayDataReference(_deltas);
        for (int row = start; row < end; row++)
        {
            nint offset = (nint)row * units;
            ref float w = ref Unsafe.Add(ref w0, offset);
            ref float a = ref Unsafe.Add(ref a0, offset);
            ref float b = ref Unsafe.Add(ref b0, offset);
            int used = RowBounds(row, boundsBuffer);
            if (used == 0)
            {
                OptimizerKernels.ZeroRow<TUpdate, TV>(u, ref w, ref a, ref b, units);
                continue;
            }

            ReadOnlySpan<int> bounds = boundsBuffer[..(2 * used)];
            int j = RowBlocks<TUpdate, TV>(k, vs, bounds, ref deltas, ref w, ref a, ref b, 0);
            RowBlocks<TUpdate, Scalar>(k1, vs1, bounds, ref deltas, ref w, ref a, ref b, j);
        }
    }

    // columns j.. of one used row, two blocks per pass over the entries, then one; returns where it stopped
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int RowBlocks<TUpdate, TV>(in UpdateConstants<TV> k, TV vs, ReadOnlySpan<int> bounds, ref float deltas, ref float w, ref float a, ref float b, int j)
        where TUpdate : struct, IOptimizerUpdate
        where TV : struct, ILanes<TV>
    {
        int units = Units;
        for (; j + (2 * TV.Count) <= units; j += 2 * TV.Count)
        {
            GradientBlocks<TV>(bounds, ref deltas, j, out var g0, out var g1);
            StepBlock<TUpdate, TV>(k, ref w, ref a, ref b, (nuint)j, g0 * vs);
            StepBlock<TUpdate, TV>(k, ref w, ref a, ref b, (nuint)(j + TV.Count), g1 * vs);
        }

        for (; j + TV.Count <= units; j += TV.Count)
        {
            StepBlock<TUpdate, TV>(k, ref w, ref a, ref b, (nuint)j, GradientBlock<TV>(bounds, ref deltas, j) * vs);
        }

        return j;
    }

    // the update of one block; an all-zero gradient block (ReLU units no row activated) takes the state-only update
    // where the weight stays, which is what the full expression gives
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StepBlock<TUpdate, TV>(in UpdateConstants<TV> k, ref float w, ref float a, ref float b, nuint j, TV g)
        where TUpdate : struct, IOptimizerUpdate
        where TV : struct, ILanes<TV>
    {
        if (TUpdate.ZeroGradientKeepsWeight && TV.AllZero(g))
        {
            OptimizerKernels.ZeroStep<TUpdate, TV>(k, ref a, ref b, j);
            return;
        }

        OptimizerKernels.Step<TUpdate, TV>(k, ref w, ref a, ref b, j, TV.Load(ref w, j), g);
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

    // columns j .. j + 2 Count − 1 of the row's gradient in one pass over the entries, each block summed as GradientBlock sums it
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void GradientBlocks<TV>(ReadOnlySpan<int> bounds, ref float deltas, int j, out TV g0, out TV g1)
        where TV : struct, ILanes<TV>
    {
        ref int entries = ref MemoryMarshal.GetArrayDataReference(_entries);
        g0 = g1 = TV.Zero;
        for (int b = 0; b < bounds.Length; b += 2)
        {
            TV s0 = TV.Zero, s1 = TV.Zero;
            for (int e = bounds[b]; e < bounds[b + 1]; e++)
            {
                ref float d = ref Unsafe.Add(ref deltas, (Unsafe.Add(ref entries, e) * Units) + j);
                s0 += TV.Load(ref d, 0);
                s1 += TV.Load(ref d, (nuint)TV.Count);
            }

            (g0, g1) = b == 0 ? (s0, s1) : (g0 + s0, g1 + s1);
        }
    }

    // columns j .. j + Count − 1 of the row's gradient: (+0 + deltas of the first chunk's rows in order) + (+0 + the next
    // chunk's) + … (a chunk without the row would add +0, which changes nothing, so it is not in `bounds`)
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TV GradientBlock<TV>(ReadOnlySpan<int> bounds, ref float deltas, int j)
        where TV : struct, ILanes<TV>
    {
        ref int entries = ref MemoryMarshal.GetArrayDataReference(_entries);
        var total = TV.Zero;
        for (int b = 0; b < bounds.Length; b += 2)
        {
            var sum = TV.Zero;
            for (int e = bounds[b]; e < bounds[b + 1]; e++)
            {
                sum += TV.Load(ref deltas, (nuint)((Unsafe.Add(ref entries, e) * Units) + j));
            }

            total = b == 0 ? sum : total + sum;
        }

        return total;
    }
}
