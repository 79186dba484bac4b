using VaeSharp.Engine.Kernels;

namespace VaeSharp.Engine.Tests.Kernels;

// WorkerPool: every task runs exactly once whatever the thread count, a task's exception reaches
// the caller, a Run from inside a task runs inline, and the pool is usable again afterwards.
[Collection(EngineSettingsCollection.Name)]
public class WorkerPoolTests
{
    private sealed class CountingJob(int tasks) : IParallelJob
    {
        public readonly int[] Runs = new int[tasks];
        public void Execute(int task) => Interlocked.Increment(ref Runs[task]);
    }

    private sealed class ThrowingJob : IParallelJob
    {
        public void Execute(int task)
        {
            if (task == 7) throw new InvalidOperationException("task 7");
        }
    }

    private sealed class NestingJob : IParallelJob
    {
        public readonly CountingJob Inner = new(4 * 16);
        public void Execute(int task)
        {
            var slice = new SliceJob(Inner, task * 4);
            WorkerPool.Run(4, slice, 2);
        }
    }

    private sealed class SliceJob(CountingJob target, int offset) : IParallelJob
    {
        public void Execute(int task) => target.Execute(offset + task);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1000)]
    [InlineData(3, 17)]
    [InlineData(8, 5)]
    public void Run_ExecutesEveryTaskOnce(int threads, int tasks)
    {
        for (int repeat = 0; repeat < 50; repeat++)
        {
            var job = new CountingJob(tasks);
            WorkerPool.Run(tasks, job, threads);
            Assert.All(job.Runs, count => Assert.Equal(1, count));
        }
    }

    [Fact]
    public void Run_RethrowsTaskException_AndStaysUsable()
    {
        var error = Assert.Throws<InvalidOperationException>(() => WorkerPool.Run(64, new ThrowingJob(), 2));
        Assert.Equal("task 7", error.Message);

        var job = new CountingJob(100);
        WorkerPool.Run(100, job, 2);
        Assert.All(job.Runs, count => Assert.Equal(1, count));
    }

    [Fact]
    public void Run_FromInsideATask_RunsInline()
    {
        var job = new NestingJob();
        WorkerPool.Run(16, job, 2);
        Assert.All(job.Inner.Runs, count => Assert.Equal(1, count));
    }
}
