using System.Runtime.InteropServices;

namespace Shm.Primitives.Tests.Queue;

public class QueueBasicsTests
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Order
    {
        public long Id;
        public double Price;
        public int Quantity;
        public int Side;
    }

    [Fact]
    public void Items_come_out_in_the_order_they_went_in()
    {
        using var segment = new TestSegment();
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 16);
        for (long i = 0; i < 16; i++)
            Assert.True(queue.TryEnqueue(i * 7));
        for (long i = 0; i < 16; i++)
        {
            Assert.True(queue.TryDequeue(out long value));
            Assert.Equal(i * 7, value);
        }
        Assert.False(queue.TryDequeue(out _));
    }

    [Fact]
    public void Full_and_empty_are_reported_and_counted()
    {
        using var segment = new TestSegment();
        using var queue = ShmQueue<int>.CreateNew(segment.Name, 4);
        Assert.True(queue.IsEmpty);
        Assert.False(queue.TryDequeue(out _));
        for (int i = 0; i < 4; i++)
            Assert.True(queue.TryEnqueue(i));
        Assert.True(queue.IsFull);
        Assert.Equal(4, queue.Count);
        Assert.False(queue.TryEnqueue(99));
        ShmQueueStats stats = queue.GetStats();
        Assert.Equal(4, stats.Enqueued);
        Assert.Equal(1, stats.FullCount);
        Assert.Equal(1, stats.EmptyCount);
        Assert.Equal(0, stats.Dequeued);
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(1000, 1024)]
    [InlineData(1024, 1024)]
    public void Capacity_is_rounded_up_to_a_power_of_two(long requested, long expected)
    {
        using var segment = new TestSegment();
        using var queue = ShmQueue<short>.CreateNew(segment.Name, requested);
        Assert.Equal(expected, queue.Capacity);
        for (int i = 0; i < expected; i++)
            Assert.True(queue.TryEnqueue((short)i));
        Assert.False(queue.TryEnqueue(1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData((1L << 31) + 1)]
    public void Impossible_capacities_are_rejected_naming_the_argument(long capacity)
    {
        using var segment = new TestSegment();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ShmQueue<long>.CreateNew(segment.Name, capacity));
        Assert.Equal("capacity", error.ParamName);
        Assert.False(File.Exists(segment.Path));
    }

    [Fact]
    public void Many_wraparounds_keep_fifo_order()
    {
        using var segment = new TestSegment();
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 4);
        long next = 0, expected = 0;
        for (int round = 0; round < 10_000; round++)
        {
            int push = round % 4 + 1;
            for (int i = 0; i < push; i++)
                Assert.True(queue.TryEnqueue(next++));
            while (queue.TryDequeue(out long value))
                Assert.Equal(expected++, value);
        }
        Assert.Equal(next, expected);
    }

    [Fact]
    public void A_batch_push_takes_what_fits_and_a_batch_pop_what_is_there()
    {
        using var segment = new TestSegment();
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 8);
        Assert.True(queue.TryEnqueue(-5));
        long[] items = Enumerable.Range(0, 10).Select(i => (long)i).ToArray();
        Assert.Equal(7, queue.EnqueueMany(items));
        var buffer = new long[20];
        Assert.Equal(8, queue.DequeueMany(buffer));
        Assert.Equal(new long[] { -5, 0, 1, 2, 3, 4, 5, 6 }, buffer[..8]);
        Assert.Equal(0, queue.DequeueMany(buffer));
        Assert.Equal(0, queue.EnqueueMany(ReadOnlySpan<long>.Empty));
    }

    [Fact]
    public void Batches_wrap_around_the_ring()
    {
        using var segment = new TestSegment();
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 8);
        long next = 0, expected = 0;
        var buffer = new long[5];
        for (int round = 0; round < 1000; round++)
        {
            long[] batch = [next, next + 1, next + 2, next + 3, next + 4];
            int pushed = queue.EnqueueMany(batch);
            next += pushed;
            int popped = queue.DequeueMany(buffer.AsSpan(0, 3));
            for (int i = 0; i < popped; i++)
                Assert.Equal(expected++, buffer[i]);
        }
        foreach (long value in queue.Drain())
            Assert.Equal(expected++, value);
        Assert.Equal(next, expected);
    }

    [Fact]
    public void Peek_shows_the_oldest_item_without_taking_it()
    {
        using var segment = new TestSegment();
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 4);
        Assert.False(queue.TryPeek(out _));
        queue.TryEnqueue(11);
        queue.TryEnqueue(12);
        Assert.True(queue.TryPeek(out long peeked));
        Assert.Equal(11, peeked);
        Assert.Equal(2, queue.Count);
        Assert.True(queue.TryDequeue(out long value));
        Assert.Equal(11, value);
    }

    [Fact]
    public void A_24_byte_struct_round_trips()
    {
        using var segment = new TestSegment();
        using var queue = ShmQueue<Order>.CreateNew(segment.Name, 8);
        var order = new Order { Id = 7, Price = 101.25, Quantity = 300, Side = -1 };
        Assert.Equal(24, Marshal.SizeOf<Order>());
        Assert.True(queue.TryEnqueue(order));
        Assert.True(queue.TryDequeue(out Order back));
        Assert.Equal(order, back);
    }

    [Fact]
    public void Drain_takes_everything_and_clear_empties_the_queue()
    {
        using var segment = new TestSegment();
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 8);
        queue.EnqueueMany(new long[] { 1, 2, 3, 4, 5 });
        Assert.Equal(new long[] { 1, 2 }, queue.Drain(2));
        Assert.Equal(new long[] { 3, 4, 5 }, queue.Drain());
        queue.EnqueueMany(new long[] { 1, 2, 3 });
        queue.Clear();
        Assert.Equal(0, queue.Count);
        Assert.True(queue.TryEnqueue(9));
        Assert.Equal(9, queue.Dequeue(TimeSpan.Zero));
    }

    [Fact]
    public void Two_instances_share_one_queue()
    {
        using var segment = new TestSegment();
        using var writer = ShmQueue<long>.CreateNew(segment.Name, 8);
        using var reader = ShmQueue<long>.OpenExisting(segment.Name);
        Assert.Equal(8, reader.Capacity);
        writer.TryEnqueue(5);
        Assert.True(reader.TryDequeue(out long value));
        Assert.Equal(5, value);
        Assert.Equal(2, reader.GetStats().Enqueued + reader.GetStats().Dequeued);
    }

    [Fact]
    public void Unlink_removes_the_file_but_open_instances_keep_working()
    {
        using var segment = new TestSegment();
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 8);
        queue.Flush();
        Assert.True(queue.Unlink());
        Assert.False(File.Exists(segment.Path));
        Assert.True(queue.TryEnqueue(3));
        Assert.True(queue.TryDequeue(out _));
        Assert.False(ShmQueue<long>.Unlink(segment.Name));
    }

    [Fact]
    public void A_disposed_queue_throws_object_disposed()
    {
        using var segment = new TestSegment();
        var queue = ShmQueue<long>.CreateNew(segment.Name, 8);
        queue.Dispose();
        queue.Dispose();
        Assert.Throws<ObjectDisposedException>(() => queue.Count);
        Assert.Throws<ObjectDisposedException>(() => queue.GetStats());
        Assert.Throws<ObjectDisposedException>(() => queue.TryEnqueue(1));
        Assert.Throws<ObjectDisposedException>(() => queue.TryDequeue(out _));
    }
}
