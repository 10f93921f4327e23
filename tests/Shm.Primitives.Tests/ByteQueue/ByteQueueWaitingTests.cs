using System.Buffers;
using System.Text;
using Shm.Primitives.Tests.Queue;

namespace Shm.Primitives.Tests.ByteQueue;

public class ByteQueueWaitingTests
{
    [Fact]
    public void Batches_move_many_messages_under_one_lock()
    {
        using var segment = new TestSegment();
        using var queue = ShmByteQueue.CreateNew(segment.Name, 8, arenaBytes: 4096);
        ReadOnlyMemory<byte>[] messages = [.. Enumerable.Range(0, 10).Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"m{i}"))];
        Assert.Equal(8, queue.EnqueueMany(messages));
        var buffer = new byte[64];
        var lengths = new int[3];
        Assert.Equal(3, queue.DequeueMany(buffer, lengths));
        Assert.Equal("m0m1m2", Encoding.UTF8.GetString(buffer, 0, lengths.Sum()));
        IReadOnlyList<byte[]> rest = queue.DequeueMany(100);
        Assert.Equal(["m3", "m4", "m5", "m6", "m7"], rest.Select(m => Encoding.UTF8.GetString(m)));
        Assert.Equal(0, queue.DequeueMany(buffer, lengths));
        queue.TryEnqueue(new byte[100]);
        Assert.Equal(0, queue.DequeueMany(buffer, lengths)); // the oldest does not fit the buffer
        Assert.Equal(1, queue.Count);
        queue.Verify();
    }

    [Fact]
    public void Blocking_forms_wait_and_time_out()
    {
        using var segment = new TestSegment();
        using var queue = ShmByteQueue.CreateNew(segment.Name, 2);
        Assert.False(queue.TryDequeue(out byte[] _, TimeSpan.Zero));
        Assert.Equal(0, queue.GetStats().Sleeps);
        Assert.False(queue.TryDequeue(out byte[] _, TimeSpan.FromMilliseconds(30)));
        Assert.Throws<TimeoutException>(() => queue.Dequeue(TimeSpan.FromMilliseconds(10)));
        queue.Enqueue("a", TimeSpan.Zero);
        queue.Enqueue("b", TimeSpan.Zero);
        Assert.False(queue.TryEnqueue("c"u8, TimeSpan.FromMilliseconds(20)));
        Assert.Throws<TimeoutException>(() => queue.Enqueue("c", TimeSpan.FromMilliseconds(10)));
        Assert.False(queue.TryEnqueueFront("c"u8, TimeSpan.Zero));

        var consumer = Task.Run(() =>
        {
            var got = new List<string>();
            var buffer = new byte[16];
            var lengths = new int[4];
            while (got.Count < 5)
            {
                int n = queue.DequeueMany(buffer, lengths, TimeSpan.FromMinutes(1));
                for (int i = 0, at = 0; i < n; at += lengths[i], i++)
                    got.Add(Encoding.UTF8.GetString(buffer, at, lengths[i]));
            }
            return got;
        });
        ReadOnlyMemory<byte>[] more = [.. new[] { "c", "d", "e" }.Select(s => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(s))];
        Assert.Equal(3, queue.EnqueueMany(more, TimeSpan.FromMinutes(1)));
        Assert.Equal(["a", "b", "c", "d", "e"], consumer.Result);
    }

    [Fact]
    public void Clear_wakes_a_blocked_producer_and_a_blocked_consumer_which_then_gets_the_next_message()
    {
        using var segment = new TestSegment("p");
        using var full = ShmByteQueue.CreateNew(segment.Name, 2);
        full.Enqueue("x", TimeSpan.Zero);
        full.Enqueue("y", TimeSpan.Zero);
        var producer = Task.Run(() => full.TryEnqueue("z"u8, TimeSpan.FromMinutes(1)));
        TestWait.Until(() => full.GetStats().SleepingProducers == 1);
        full.Clear();
        Assert.True(producer.Wait(TimeSpan.FromMinutes(1)) && producer.Result);
        Assert.Equal("z", Encoding.UTF8.GetString(full.Dequeue(TimeSpan.Zero)));

        using var segment2 = new TestSegment("c");
        using var empty = ShmByteQueue.CreateNew(segment2.Name, 2);
        var consumer = Task.Run(() => Encoding.UTF8.GetString(empty.Dequeue(TimeSpan.FromMinutes(1))));
        TestWait.Until(() => empty.GetStats().SleepingConsumers == 1);
        long sleepsBefore = empty.GetStats().Sleeps;
        empty.Clear();
        TestWait.Until(() => empty.GetStats().Sleeps > sleepsBefore); // woken, found nothing, slept again
        Assert.False(consumer.IsCompleted);
        empty.Enqueue("next", TimeSpan.Zero);
        Assert.True(consumer.Wait(TimeSpan.FromMinutes(1)));
        Assert.Equal("next", consumer.Result);
    }

    [Fact]
    public void A_writer_receives_a_message_when_one_arrives()
    {
        using var segment = new TestSegment();
        using var queue = ShmByteQueue.CreateNew(segment.Name, 4);
        var writer = new ArrayBufferWriter<byte>();
        var consumer = Task.Run(() => queue.TryDequeue(writer, TimeSpan.FromMinutes(1)));
        TestWait.Until(() => queue.GetStats().SleepingConsumers == 1);
        queue.TryEnqueue("payload"u8);
        Assert.True(consumer.Result);
        Assert.Equal("payload", Encoding.UTF8.GetString(writer.WrittenSpan));
    }

    [Fact]
    public async Task Async_forms_and_channels_wait_without_threads()
    {
        using var segment = new TestSegment();
        using var queue = ShmByteQueue.CreateNew(segment.Name, 2);
        ValueTask<byte[]> pending = queue.DequeueAsync();
        Assert.False(pending.IsCompleted);
        TestWait.Until(() => queue.GetStats().SleepingConsumers == 1);
        queue.TryEnqueue("one"u8);
        Assert.Equal("one", Encoding.UTF8.GetString(await pending.AsTask().WaitAsync(TimeSpan.FromMinutes(1))));

        await queue.EnqueueAsync("a"u8.ToArray());
        await queue.EnqueueAsync("b"u8.ToArray());
        ValueTask waiting = queue.EnqueueAsync("c"u8.ToArray());
        Assert.False(waiting.IsCompleted);
        queue.TryDequeue(out byte[] _);
        await waiting.AsTask().WaitAsync(TimeSpan.FromMinutes(1));

        var reader = queue.AsChannelReader();
        var writer = queue.AsChannelWriter();
        Assert.Equal("b", Encoding.UTF8.GetString(await reader.ReadAsync()));
        Assert.True(reader.TryRead(out byte[]? c));
        Assert.Equal("c", Encoding.UTF8.GetString(c!));
        ValueTask<bool> readable = reader.WaitToReadAsync();
        Assert.False(readable.IsCompleted);
        Assert.True(writer.TryWrite("d"u8.ToArray()));
        Assert.True(await readable.AsTask().WaitAsync(TimeSpan.FromMinutes(1)));

        using var cts = new CancellationTokenSource();
        var stream = Task.Run(async () =>
        {
            var got = new List<string>();
            await foreach (byte[] message in queue.ReadAllAsync(cts.Token))
            {
                got.Add(Encoding.UTF8.GetString(message));
                if (got.Count == 3)
                    break;
            }
            return got;
        });
        await writer.WriteAsync("e"u8.ToArray());
        await writer.WriteAsync("f"u8.ToArray());
        Assert.Equal(["d", "e", "f"], await stream.WaitAsync(TimeSpan.FromMinutes(1)));

        ValueTask<byte[]> cancelled = queue.DequeueAsync(cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.AsTask().WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(0, queue.GetStats().SleepingConsumers);
    }

    [Fact]
    public void Eventfd_and_stats_work_as_for_the_typed_queue()
    {
        using var segment = new TestSegment();
        using var queue = ShmByteQueue.CreateNew(segment.Name, 4);
        queue.EnableEventFd();
        queue.TryEnqueue("a"u8);
        queue.Notify();
        Assert.Equal(1UL, queue.ConsumeNotifications());
        queue.TryDequeue(out byte[] _);
        queue.TryDequeue(out byte[] _);
        ShmByteQueueStats stats = queue.GetStats();
        Assert.Equal(1, stats.Enqueued);
        Assert.Equal(1, stats.Dequeued);
        Assert.Equal(1, stats.EmptyCount);
        Assert.Equal(0, stats.Recoveries);
    }
}
