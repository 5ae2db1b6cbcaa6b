using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AotNet.Training;

/// <summary>
/// A fixed set of threads that run <see cref="IParallelJob"/>s without allocating: the caller is worker 0, the others
/// are background threads woken per run. Which worker runs which job varies from run to run, so callers make results
/// depend on the job index only (fixed chunks, ordered reduction), never on the worker.
/// </summary>
/// <remarks>
/// Jobs are claimed one at a time from a ticket that holds the run's generation and its next job index; a run returns when
/// every job has completed, whoever ran it. So the caller never waits for a worker that has not woken (a preempted thread
/// on a busy machine): it takes the jobs itself, and a worker that wakes late finds none, or takes the next run's.
/// </remarks>
public sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly Signal[] _start;
    private readonly long[] _allocated;
    private IParallelJob? _job;
    private int _jobCount;
    private long _ticket; // (generation << 32) | the next job index of that run
    private int _completed;
    private volatile bool _disposed;
    private Exception? _error;

    public WorkerPool(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        Threads = threads;
        _threads = new Thread[threads - 1];
        _start = new Signal[threads - 1];
        _allocated = new long[threads];
        for (int i = 0; i < _threads.Length; i++)
        {
            int worker = i + 1;
            _start[i] = new Signal();
            _threads[i] = new Thread(() => WorkerLoop(worker)) { IsBackground = true, Name = $"aotnet-worker-{worker}" };
            _threads[i].Start();
        }
    }

    /// <summary>True where idle workers sleep on a futex (Linux x64/arm64); false where they fall back to a monitor.</summary>
    internal static bool SleepsOnFutex => Futex.IsAvailable;

    /// <summary>Number of workers, the calling thread included.</summary>
    public int Threads { get; }

    /// <summary>Bytes allocated by the background workers while running jobs (the caller measures its own thread).</summary>
    public long BackgroundAllocatedBytes
    {
        get
        {
            long sum = 0;
            for (int i = 1; i < _allocated.Length; i++)
            {
                sum += Volatile.Read(ref _allocated[i]);
            }

            return sum;
        }
    }

    /// <summary>Prepares the calling thread to wait on this pool without allocating (call before a measured loop).</summary>
    public void WarmCaller() => AotNet.Kernels.MatrixKernels.PrepareThread();

    /// <summary>
    /// Runs jobs 0 … <paramref name="jobCount"/>−1 and returns when all are done. If a job throws, on whichever worker
    /// (the caller included), the run still waits for every other job and then throws an <see cref="AggregateException"/>
    /// holding the first exception, so the pool stays usable.
    /// </summary>
    public void Run(IParallelJob job, int jobCount)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_threads.Length == 0 || jobCount <= 1)
        {
            try
            {
                for (int i = 0; i < jobCount; i++)
                {
                    job.Execute(i, 0);
                }
            }
            catch (Exception e)
            {
                throw new AggregateException("a training worker failed", e);
            }

            return;
        }

        _job = job;
        _jobCount = jobCount;
        _completed = 0;
        _error = null;
        Volatile.Write(ref _ticket, ((_ticket >> 32) + 1) << 32); // a new generation, job 0 next: publishes the fields above
        foreach (var start in _start)
        {
            start.Set();
        }

        try
        {
            Work(0);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _error, e, null); // the workers may still be running jobs: wait for them below
        }

        // every job claimed; wait for those the workers are still running (spinning and yielding, never sleeping a tick)
        var spin = default(SpinWait);
        while (Volatile.Read(ref _completed) < jobCount)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }

        _job = null;
        if (_error is { } error)
        {
            throw new AggregateException("a training worker failed", error);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var start in _start)
        {
            start.Set();
        }

        foreach (var thread in _threads)
        {
            thread.Join();
        }

    }

    private void WorkerLoop(int worker)
    {
        AotNet.Kernels.MatrixKernels.PrepareThread(); // per-thread kernel buffers before any measured epoch
        var start = _start[worker - 1];
        while (true)
        {
            start.WaitAndReset();
            if (_disposed)
            {
                return;
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                Work(worker);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _error, e, null);
            }

            Volatile.Write(ref _allocated[worker], _allocated[worker] + GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    /// <summary>
    /// Claims and runs jobs of the current run until none is left. A claim is a compare-exchange of the ticket read before
    /// the run's job and count: it succeeds only while that run is current and the index unclaimed (a run cannot end, nor
    /// the next begin, while one of its jobs is unclaimed), so a late worker never runs a job with another run's fields.
    /// </summary>
    private void Work(int worker)
    {
        while (true)
        {
            long ticket = Volatile.Read(ref _ticket);
            var job = _job;
            int index = (int)(ticket & 0xFFFFFFFF);
            if (job is null || index >= _jobCount)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _ticket, ticket + 1, ticket) != ticket)
            {
                continue;
            }

            try
            {
                job.Execute(index, worker);
            }
            catch (Exception e) when (worker != 0)
            {
                // a background worker goes on claiming jobs, so that the run ends even when every other thread failed;
                // the caller stops at its first failure and waits for the jobs left
                Interlocked.CompareExchange(ref _error, e, null);
            }
            finally
            {
                Interlocked.Increment(ref _completed);
            }
        }
    }

    /// <summary>
    /// An auto-reset signal for one waiting thread that never allocates once built: it spins briefly, then sleeps on a
    /// Linux futex word of its own, pinned and created up front, or, where futexes cannot be had, on a monitor warmed
    /// beforehand. (Monitor.Wait under Native AOT, ManualResetEventSlim and SemaphoreSlim create lock objects, wait
    /// events or per-thread waiters lazily, on the first contended or blocking wait of a thread or object, which can
    /// fall in the middle of training.)
    /// </summary>
    private sealed unsafe class Signal
    {
        private const int Unset = 0, IsSet = 1, Sleeping = 2;

        /// <summary>Spins of <c>Thread.SpinWait(8)</c> before a wait sleeps: about 50 µs on the build machine.</summary>
        private const int SpinIterations = 1000;

        // futex path: the word lives in a pinned array, so its address never moves
        private readonly int[]? _cell;
        private readonly int* _word;

        // fallback path
        private readonly object _gate = new();
        private bool _set;

        public Signal()
        {
            if (Futex.IsAvailable)
            {
                _cell = GC.AllocateArray<int>(64 / sizeof(int), pinned: true); // a cache line of its own
                _word = (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_cell));
            }

            Warm();
        }

        /// <summary>
        /// Without futexes: makes the runtime create, now, what a monitor wait allocates the first time (under Native
        /// AOT the lock and condition of the gate object and the waiter of the calling thread). Nothing to do otherwise.
        /// </summary>
        public void Warm()
        {
            if (_cell is null)
            {
                lock (_gate)
                {
                    Monitor.Wait(_gate, 0);
                }
            }
        }

        public void Set()
        {
            if (_cell is not null)
            {
                if (Interlocked.Exchange(ref *_word, IsSet) == Sleeping)
                {
                    Futex.WakeOne(_word);
                }

                return;
            }

            lock (_gate)
            {
                _set = true;
                Monitor.Pulse(_gate);
            }
        }

        public void WaitAndReset()
        {
            // spin a little (tens of microseconds) before sleeping: a layer's tiles come one after another, and waking a
            // sleeping worker through the kernel costs more than the spin on a VM
            for (int i = 0; i < SpinIterations && !IsSetNow(); i++)
            {
                Thread.SpinWait(8);
            }

            if (_cell is not null)
            {
                // Unset → Sleeping announces the sleeper before it sleeps; the kernel sleeps only while the word still
                // reads Sleeping, so a Set in between (word now IsSet) is never missed
                while (true)
                {
                    int state = Interlocked.CompareExchange(ref *_word, Unset, IsSet);
                    if (state == IsSet)
                    {
                        return;
                    }

                    if (state == Unset && Interlocked.CompareExchange(ref *_word, Sleeping, Unset) != Unset)
                    {
                        continue; // set meanwhile
                    }

                    Futex.Wait(_word, Sleeping);
                }
            }

            lock (_gate)
            {
                while (!_set)
                {
                    Monitor.Wait(_gate);
                }

                _set = false;
            }
        }

        private bool IsSetNow() => _cell is not null ? Volatile.Read(ref *_word) == IsSet : Volatile.Read(ref _set);
    }
}

/// <summary>
/// Linux futex wait and wake through libc's <c>syscall</c>, looked up once in the process's own symbols (no library
/// name to resolve, no marshalling: a call allocates nothing). Unavailable elsewhere, or where the call fails.
/// </summary>
internal static unsafe class Futex
{
    private const nint WaitPrivate = 128, WakePrivate = 129; // FUTEX_WAIT | FUTEX_PRIVATE_FLAG, FUTEX_WAKE | FUTEX_PRIVATE_FLAG

    private static readonly nint s_number = OperatingSystem.IsLinux()
        ? RuntimeInformation.ProcessArchitecture switch { Architecture.X64 => 202, Architecture.Arm64 => 98, _ => 0 }
        : 0;

    private static readonly delegate* unmanaged<nint, int*, nint, nint, nint, nint, nint, nint> s_syscall = Resolve();

    public static bool IsAvailable => s_syscall != null;

    /// <summary>Sleeps while <c>*word == expected</c>; may return early (a wake, a signal, or the word already differing).</summary>
    public static void Wait(int* word, int expected) => s_syscall(s_number, word, WaitPrivate, expected, 0, 0, 0);

    public static void WakeOne(int* word) => s_syscall(s_number, word, WakePrivate, 1, 0, 0, 0);

    private static delegate* unmanaged<nint, int*, nint, nint, nint, nint, nint, nint> Resolve()
    {
        if (s_number == 0 || !NativeLibrary.TryGetExport(NativeLibrary.GetMainProgramHandle(), "syscall", out nint address))
        {
            return null;
        }

        var syscall = (delegate* unmanaged<nint, int*, nint, nint, nint, nint, nint, nint>)address;
        int probe = 0;
        return syscall(s_number, &probe, WakePrivate, 1, 0, 0, 0) == 0 ? syscall : null; // 0 woken; -1 if futexes are refused
    }
}
