namespace AotNet.Training;

/// <summary>A unit of parallel work: <see cref="Execute"/> runs job <c>jobIndex</c> on worker <c>workerIndex</c>.</summary>
public interface IParallelJob
{
    void Execute(int jobIndex, int workerIndex);
}

/// <summary>
/// A fixed set of threads that run <see cref="IParallelJob"/>s without allocating: the caller is worker 0, the others
/// are background threads woken per run. Which worker runs which job varies from run to run, so callers make results
/// depend on the job index only (fixed chunks, ordered reduction), never on the worker.
/// </summary>
public sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly Signal[] _start;
    private readonly Signal _done = new();
    private readonly long[] _allocated;
    private IParallelJob? _job;
    private int _jobCount;
    private int _next;
    private int _pending;
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
    public void WarmCaller() => _done.Warm();

    /// <summary>Runs jobs 0 … <paramref name="jobCount"/>−1 and returns when all are done; rethrows a job's exception.</summary>
    public void Run(IParallelJob job, int jobCount)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_threads.Length == 0 || jobCount <= 1)
        {
            for (int i = 0; i < jobCount; i++)
            {
                job.Execute(i, 0);
            }

            return;
        }

        _job = job;
        _jobCount = jobCount;
        _next = 0;
        _error = null;
        _pending = _threads.Length;
        foreach (var start in _start)
        {
            start.Set();
        }

        Work(0);
        _done.WaitAndReset();
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
                _error ??= e;
            }

            Volatile.Write(ref _allocated[worker], _allocated[worker] + GC.GetAllocatedBytesForCurrentThread() - before);
            if (Interlocked.Decrement(ref _pending) == 0)
            {
                _done.Set();
            }
        }
    }

    private void Work(int worker)
    {
        var job = _job!;
        int i;
        while ((i = Interlocked.Increment(ref _next) - 1) < _jobCount)
        {
            job.Execute(i, worker);
        }
    }

    /// <summary>
    /// An auto-reset signal that never allocates: spins briefly, then blocks on a monitor. (ManualResetEventSlim
    /// allocates its lock object on its first blocking wait, which can happen in the middle of training.)
    /// </summary>
    private sealed class Signal
    {
        private readonly object _gate = new();
        private bool _set;

        public Signal() => Warm();

        /// <summary>
        /// Makes the runtime create, now, what a monitor wait allocates the first time: under Native AOT the lock and
        /// condition of the gate object (once per object) and the waiter of the calling thread (once per thread).
        /// </summary>
        public void Warm()
        {
            lock (_gate)
            {
                Monitor.Wait(_gate, 0);
            }
        }

        public void Set()
        {
            lock (_gate)
            {
                _set = true;
                Monitor.Pulse(_gate);
            }
        }

        public void WaitAndReset()
        {
            var spinner = default(SpinWait);
            while (!Volatile.Read(ref _set) && !spinner.NextSpinWillYield)
            {
                spinner.SpinOnce();
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
    }
}
