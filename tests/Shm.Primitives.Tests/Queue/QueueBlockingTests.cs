using System.Diagnostics;
using System.Runtime.InteropServices;
using Shm.Primitives.Interop;

namespace Shm.Primitives.Tests.Queue;

public class QueueBlockingTests
{
    [Fact]
    public void A_zero_timeout_tries_once_and_never_sleeps()
    {
        using var segment = new TestSegment();
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 2);
        for (int i = 0; i < 100; i++)
            Assert.False(queue.TryDequeue(out _, TimeSpan.Zero));
        queue.TryEnqueue(1);
        queue.TryEnqueue(2);
        for (int i = 0; i < 100; i++)
            Assert.False(queue.TryEnqueue(3, TimeSpan.Zero));
        ShmQueueStats stats = queue.GetStats();
        Assert.Equal(0, stats.Sleeps);
        Assert.Equal(100, stats.EmptyCount);
        Assert.Equal(100, stats.FullCount);
    }

    [Fact]
    public void A_timeout_passes_after_sleeping_and_reports_false_or_throws()
    {
        using var segment = new TestSegment();
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 2);
        var watch = Stopwatch.StartNew();
        Assert.False(queue.TryDequeue(out _, TimeSpan.FromMilliseconds(100)));
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(100), $"returned after {watch.Elapsed}");
        Assert.True(queue.GetStats().Sleeps > 0);
        Assert.Throws<TimeoutException>(() => queue.Dequeue(TimeSpan.FromMilliseconds(20)));
        queue.TryEnqueue(1);
        queue.TryEnqueue(2);
        Assert.Throws<TimeoutException>(() => queue.Enqueue(3, TimeSpan.FromMilliseconds(20)));
        Assert.Equal(0, queue.GetStats().SleepingConsumers + queue.GetStats().SleepingProducers);
    }

    [Fact]
    public void Negative_timeouts_other_than_infinite_are_rejected()
    {
        using var segment = new TestSegment();
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 2);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => queue.TryDequeue(out _, TimeSpan.FromMilliseconds(-2)));
        Assert.Equal("timeout", error.ParamName);
    }

    [Fact]
    public void A_blocked_consumer_is_woken_by_a_producer()
    {
        using var segment = new TestSegment();
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 2);
        var consumer = Task.Run(() => queue.Dequeue(TimeSpan.FromMinutes(1)));
        TestWait.Until(() => queue.GetStats().SleepingConsumers == 1);
        queue.Enqueue(77, TimeSpan.Zero);
        Assert.True(consumer.Wait(TimeSpan.FromMinutes(1)));
        Assert.Equal(77, consumer.Result);
    }

    [Fact]
    public void A_blocked_producer_is_woken_by_a_consumer_and_by_clear()
    {
        using var segment = new TestSegment();
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 2);
        queue.EnqueueMany(new long[] { 1, 2 });
        var producer = Task.Run(() => queue.Enqueue(3, TimeSpan.FromMinutes(1)));
        TestWait.Until(() => queue.GetStats().SleepingProducers == 1);
        Assert.Equal(1, queue.Dequeue(TimeSpan.Zero));
        Assert.True(producer.Wait(TimeSpan.FromMinutes(1)));

        var second = Task.Run(() => queue.Enqueue(4, TimeSpan.FromMinutes(1)));
        TestWait.Until(() => queue.GetStats().SleepingProducers == 1);
        queue.Clear();
        Assert.True(second.Wait(TimeSpan.FromMinutes(1)));
        Assert.Equal(4, queue.Dequeue(TimeSpan.Zero));
    }

    [Fact]
    public void Blocking_batches_wait_for_room_and_for_at_least_one_item()
    {
        using var segment = new TestSegment();
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 4);
        var buffer = new long[8];
        var consumer = Task.Run(() => queue.DequeueMany(buffer, TimeSpan.FromMinutes(1)));
        TestWait.Until(() => queue.GetStats().SleepingConsumers == 1);
        long[] items = Enumerable.Range(10, 10).Select(i => (long)i).ToArray();
        var producer = Task.Run(() => queue.EnqueueMany(items, TimeSpan.FromMinutes(1)));
        int first = consumer.Result;
        Assert.InRange(first, 1, 4);
        var got = buffer[..first].ToList();
        while (got.Count < items.Length)
        {
            int n = queue.DequeueMany(buffer, TimeSpan.FromMinutes(1));
            got.AddRange(buffer[..n]);
        }
        Assert.Equal(items.Length, producer.Result);
        Assert.Equal(items, got);
        Assert.Equal(0, queue.DequeueMany(buffer, TimeSpan.FromMilliseconds(10)));
        Assert.Equal(2, queue.EnqueueMany(new long[] { 1, 2, 3, 4, 5, 6 }.AsSpan(0, 2), TimeSpan.Zero));
        Assert.Equal(2, queue.EnqueueMany(new long[] { 1, 2, 3, 4, 5, 6 }, TimeSpan.FromMilliseconds(10)));
    }

    [Fact]
    public void Cancellation_ends_a_blocking_wait()
    {
        using var segment = new TestSegment();
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 2);
        using var cts = new CancellationTokenSource();
        var consumer = Task.Run(() => queue.TryDequeue(out _, Timeout.InfiniteTimeSpan, cts.Token));
        TestWait.Until(() => queue.GetStats().SleepingConsumers == 1);
        cts.Cancel();
        var error = Assert.ThrowsAny<OperationCanceledException>(() => consumer.GetAwaiter().GetResult());
        Assert.Equal(cts.Token, error.CancellationToken);
        Assert.Equal(0, queue.GetStats().SleepingConsumers);
        Assert.Throws<OperationCanceledException>(() => queue.Dequeue(new CancellationToken(true)));
    }

    [Fact]
    public void Signals_to_a_waiting_thread_do_not_end_its_wait()
    {
        using var segment = new TestSegment();
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 2);
        using var handler = PosixSignalRegistration.Create(PosixSignal.SIGWINCH, context => context.Cancel = true);
        long tid = 0;
        var consumer = new Thread(() =>
        {
            Volatile.Write(ref tid, Libc.Syscall(OpenFlags.GetTidSyscall, 0, 0, 0, 0, 0, 0));
            bool got = queue.TryDequeue(out long value, TimeSpan.FromMinutes(1));
            Volatile.Write(ref tid, got && value == 5 ? -1 : -2);
        });
        consumer.Start();
        TestWait.Until(() => queue.GetStats().SleepingConsumers == 1);
        long target = Volatile.Read(ref tid);
        const int sigwinch = 28;
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(0, Libc.Syscall(OpenFlags.TgKillSyscall, Environment.ProcessId, (nint)target, sigwinch, 0, 0, 0));
            TestWait.Until(() => queue.GetStats().SleepingConsumers == 1); // still (or again) asleep
        }
        Assert.True(consumer.IsAlive);
        queue.Enqueue(5, TimeSpan.Zero);
        Assert.True(consumer.Join(TimeSpan.FromMinutes(1)));
        Assert.Equal(-1, Volatile.Read(ref tid));
    }
}
