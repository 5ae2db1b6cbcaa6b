using System.Runtime.InteropServices;
using AotNet.Training;

namespace AotNet.Tests.Training;

[Collection(AllocationMeasurements.Name)]
public class WorkerPoolTests
{
    /// <summary>Sums its job indices, each job spinning a little so that workers overlap and contend.</summary>
    private sealed class CountingJob : IParallelJob
    {
        private long _sum;

        public long Sum => Interlocked.Read(ref _sum);

        public void Execute(int jobIndex, int workerIndex)
        {
            Thread.SpinWait(50);
            Interlocked.Add(ref _sum, jobIndex + 1);
        }
    }

    private sealed class FailingJob : IParallelJob
    {
        public void Execute(int jobIndex, int workerIndex)
        {
            if (jobIndex == 1)
            {
                throw new InvalidOperationException("job 1 failed");
            }
        }
    }

    /// <summary>
    /// Fails on the calling thread (worker 0). A background worker's job waits until the caller has failed, so each of
    /// them holds at most one job meanwhile and the caller surely takes one; then the job sleeps 1 ms, still running
    /// while the caller fails, and counts itself.
    /// </summary>
    private sealed class FailingOnCallerJob : IParallelJob
    {
        public int CallerJobs;
        public int OtherJobs;

        public void Execute(int jobIndex, int workerIndex)
        {
            if (workerIndex == 0)
            {
                Interlocked.Increment(ref CallerJobs);
                throw new InvalidOperationException($"job {jobIndex} failed on the caller");
            }

            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (Volatile.Read(ref CallerJobs) == 0 && waited.Elapsed < TimeSpan.FromSeconds(30))
            {
                Thread.Sleep(1);
            }

            Thread.Sleep(1);
            Interlocked.Increment(ref OtherJobs);
        }
    }

    [Fact]
    public void IdleWorkersSleepOnAFutexOnLinux()
    {
        bool expected = OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;
        Assert.Equal(expected, WorkerPool.SleepsOnFutex);
    }

    [Fact]
    public void EveryRunRunsEveryJobOnceAndDisposeJoinsTheWorkers()
    {
        var job = new CountingJob();
        var pool = new WorkerPool(3);
        for (int run = 0; run < 2000; run++)
        {
            pool.Run(job, 1 + (run % 5));
        }

        // runs of 1..5 jobs, 400 times each: 400 * (1 + 3 + 6 + 10 + 15)
        Assert.Equal(400L * 35, job.Sum);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        pool.Dispose();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "Dispose did not join the workers");
        Assert.Throws<ObjectDisposedException>(() => pool.Run(job, 2));
    }

    [Fact]
    public void AJobsExceptionReachesTheCallerAndThePoolStaysUsable()
    {
        using var pool = new WorkerPool(2);
        var error = Assert.Throws<AggregateException>(() => pool.Run(new FailingJob(), 4));
        Assert.IsType<InvalidOperationException>(error.InnerException);
        var job = new CountingJob();
        pool.Run(job, 4);
        Assert.Equal(1 + 2 + 3 + 4, job.Sum);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void AnExceptionOnTheCallingThreadWaitsForTheWorkersAndIsWrappedLikeTheirs(int threads)
    {
        using var pool = new WorkerPool(threads);
        const int jobs = 8;
        var failing = new FailingOnCallerJob();
        var error = Assert.Throws<AggregateException>(() => pool.Run(failing, jobs));
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Equal(1, failing.CallerJobs);

        // the caller stopped at its first job; the workers ran every other one before Run returned
        Assert.Equal(threads == 1 ? 0 : jobs - 1, Volatile.Read(ref failing.OtherJobs));
        var job = new CountingJob();
        pool.Run(job, 4);
        Assert.Equal(1 + 2 + 3 + 4, job.Sum);
    }

    /// <summary>
    /// The trainer's pattern (two jobs per batch, thousands of batches) with two extra busy threads competing for the
    /// cores, so that workers are preempted in the middle of a wait or a wake: after a warm-up run, neither the caller
    /// nor the workers may allocate a byte, whatever the interleaving.
    /// </summary>
    [Fact]
    public void RunsAllocateNothingUnderContention()
    {
        using var stop = new CancellationTokenSource();
        var busy = new Thread[2];
        for (int b = 0; b < busy.Length; b++)
        {
            busy[b] = new Thread(() =>
            {
                long x = 0;
                while (!stop.IsCancellationRequested)
                {
                    x++;
                }

                GC.KeepAlive(x);
            }) { IsBackground = true, Name = $"busy-{b}" };
            busy[b].Start();
        }

        try
        {
            var job = new CountingJob();
            for (int round = 0; round < 20; round++)
            {
                using var pool = new WorkerPool(2);
                pool.WarmCaller();
                pool.Run(job, 2);
                long before = GC.GetAllocatedBytesForCurrentThread() + pool.BackgroundAllocatedBytes;
                for (int run = 0; run < 1500; run++)
                {
                    pool.Run(job, 2);
                }

                long allocated = GC.GetAllocatedBytesForCurrentThread() + pool.BackgroundAllocatedBytes - before;
                Assert.True(allocated == 0, $"round {round}: {allocated} bytes allocated by 1500 runs");
            }
        }
        finally
        {
            stop.Cancel();
            foreach (var thread in busy)
            {
                thread.Join();
            }
        }
    }
}
