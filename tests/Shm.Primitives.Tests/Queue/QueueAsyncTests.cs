using System.Diagnostics;
using System.Diagnostics.Metrics;
using Shm.Primitives.Threading;

namespace Shm.Primitives.Tests.Queue;

public class QueueAsyncTests
{
    [Fact]
    public async Task DequeueAsync_completes_when_an_item_arrives()
    {
        using var segment = new TestSegment();
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 4);
        ValueTask<long> pending = queue.DequeueAsync();
        Assert.False(pending.IsCompleted);
        TestWait.Until(() => queue.GetStats().SleepingConsumers == 1);
        queue.Enqueue(12, TimeSpan.Zero);
        Assert.Equal(12, await pending.AsTask().WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(0, queue.GetStats().SleepingConsumers);
        queue.Enqueue(13, TimeSpan.Zero);
        ValueTask<long> immediate = queue.DequeueAsync();
        Assert.True(immediate.IsCompletedSuccessfully);
        Assert.Equal(13, immediate.Result);
    }

    [Fact]
    public async Task EnqueueAsync_waits_for_room()
    {
        using var segment = new TestSegment();
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 2);
        await queue.EnqueueAsync(1);
        await queue.EnqueueAsync(2);
        ValueTask pending = queue.EnqueueAsync(3);
        Assert.False(pending.IsCompleted);
        Assert.Equal(1, queue.Dequeue(TimeSpan.Zero));
        await pending.AsTask().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(new long[] { 2, 3 }, queue.Drain());
    }

    [Fact]
    public async Task Cancelling_and_disposing_fail_pending_operations()
    {
        using var segment = new TestSegment();
        var queue = ShmQueue<long>.CreateNew(segment.Name, 2);
        using var cts = new CancellationTokenSource();
        ValueTask<long> cancelled = queue.DequeueAsync(cts.Token);
        ValueTask<long> orphaned = queue.DequeueAsync();
        cts.Cancel();
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.AsTask().WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(cts.Token, error.CancellationToken);
        queue.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => orphaned.AsTask().WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.True(queue.DequeueAsync(new CancellationToken(true)).IsCanceled);
    }

    [Fact]
    public async Task A_thousand_pending_dequeues_on_a_thousand_queues_use_a_handful_of_threads()
    {
        const int count = 1000;
        var queues = new List<ShmQueue<long>>();
        try
        {
            int threadsBefore = Process.GetCurrentProcess().Threads.Count;
            for (int i = 0; i < count; i++)
            {
                using var segment = new TestSegment("many" + i);
                queues.Add(ShmQueue<long>.CreateNew(segment.Name, 2)); // the file is unlinked; the mapping lives on
            }
            var pending = queues.Select(q => q.DequeueAsync().AsTask()).ToList();
            TestWait.Until(() => queues.All(q => q.GetStats().SleepingConsumers == 1));
            int added = Process.GetCurrentProcess().Threads.Count - threadsBefore;
            Assert.True(added <= 16, $"{added} threads were added for {count} waits");
            Assert.InRange(FutexWaitService.Shared.GroupCount, 1, 16);
            Assert.All(pending, t => Assert.False(t.IsCompleted));

            for (int i = 0; i < count; i++)
                queues[i].Enqueue(i, TimeSpan.Zero);
            long[] results = await Task.WhenAll(pending).WaitAsync(TimeSpan.FromMinutes(1));
            Assert.Equal(Enumerable.Range(0, count).Select(i => (long)i), results);
        }
        finally
        {
            queues.ForEach(q => q.Dispose());
        }
    }

    [Fact]
    public async Task ReadAllAsync_yields_items_as_they_arrive()
    {
        using var segment = new TestSegment();
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 8);
        using var cts = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            var got = new List<long>();
            await foreach (long item in queue.ReadAllAsync(cts.Token))
            {
                got.Add(item);
                if (got.Count == 20)
                    break;
            }
            return got;
        });
        for (long i = 0; i < 20; i++)
            queue.Enqueue(i, TimeSpan.FromMinutes(1));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), await reader.WaitAsync(TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task Channel_adapters_read_and_write_the_queue()
    {
        using var segment = new TestSegment();
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 2);
        var writer = queue.AsChannelWriter();
        var reader = queue.AsChannelReader();
        Assert.True(writer.TryWrite(1));
        await writer.WriteAsync(2);
        Assert.False(writer.TryWrite(3));
        ValueTask<bool> room = writer.WaitToWriteAsync();
        Assert.False(room.IsCompleted);
        Assert.Equal(2, reader.Count);
        Assert.True(reader.TryPeek(out long peeked));
        Assert.Equal(1, peeked);
        Assert.Equal(1, await reader.ReadAsync());
        Assert.True(await room.AsTask().WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.True(reader.TryRead(out long second));
        Assert.Equal(2, second);
        ValueTask<bool> data = reader.WaitToReadAsync();
        Assert.False(data.IsCompleted);
        await writer.WriteAsync(9);
        Assert.True(await data.AsTask().WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.False(writer.TryComplete());
    }

    [Fact]
    public void The_eventfd_counts_notifications_and_is_never_written_implicitly()
    {
        using var segment = new TestSegment();
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 8);
        Assert.Throws<InvalidOperationException>(() => queue.Notify());
        EventFd eventFd = queue.EnableEventFd();
        Assert.True(eventFd.Descriptor >= 0);
        queue.Enqueue(1, TimeSpan.Zero);
        Assert.Equal(0UL, queue.ConsumeNotifications());
        queue.Notify();
        queue.Notify();
        Assert.Equal(2UL, queue.ConsumeNotifications());
        Assert.Equal(0UL, queue.ConsumeNotifications());

        using var shared = EventFd.Create();
        using var other = ShmQueue<long>.OpenExisting(segment.Name);
        other.AttachEventFd(shared);
        queue.AttachEventFd(EventFd.FromDescriptor(shared.Descriptor));
        queue.Notify();
        Assert.Equal(1UL, other.ConsumeNotifications());
    }

    [Fact]
    public void Statistics_are_published_as_metrics()
    {
        using var segment = new TestSegment();
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 8);
        queue.EnqueueMany(new long[] { 1, 2, 3 });
        queue.TryDequeue(out _);
        var seen = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Shm.Primitives")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key == "shm.segment" && (string?)tag.Value == queue.Name)
                    seen[instrument.Name] = value;
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        Assert.Equal(3, seen["shm.queue.enqueued"]);
        Assert.Equal(1, seen["shm.queue.dequeued"]);
        Assert.Equal(2, seen["shm.queue.count"]);
        Assert.Equal(0, seen["shm.queue.recoveries"]);
    }
}
