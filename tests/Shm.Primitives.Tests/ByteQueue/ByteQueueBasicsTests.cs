using System.Buffers;
using System.Text;

namespace Shm.Primitives.Tests.ByteQueue;

public class ByteQueueBasicsTests
{
    public static TheoryData<byte[]> SpecialMessages => new()
    {
        Array.Empty<byte>(),
        Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(),
        new byte[8],
        Enumerable.Repeat((byte)0xFF, 8).ToArray(),
        Encoding.UTF8.GetBytes("héllo wörld ✓ 日本語"),
    };

    [Theory]
    [MemberData(nameof(SpecialMessages))]
    public void Messages_round_trip_byte_exact(byte[] message)
    {
        using var segment = new TestSegment();
        using var queue = ShmByteQueue.CreateNew(segment.Name, 8);
        Assert.True(queue.TryEnqueue(message));
        Assert.True(queue.TryDequeue(out byte[] back));
        Assert.Equal(message, back);
        queue.Verify();
    }

    [Fact]
    public void Every_length_from_0_to_1000_and_a_few_near_the_arena_size_round_trips()
    {
        using var segment = new TestSegment();
        using var queue = ShmByteQueue.CreateNew(segment.Name, 4, arenaBytes: 8192);
        var random = new Random(7);
        foreach (int length in Enumerable.Range(0, 1001).Concat([8192 - 8, 8191, 8192]))
        {
            byte[] message = new byte[length];
            random.NextBytes(message);
            Assert.True(queue.TryEnqueue(message), $"length {length}");
            Assert.True(queue.TryDequeue(out byte[] back));
            Assert.Equal(message, back);
        }
        queue.Verify();
        Assert.Throws<ArgumentException>(() => queue.TryEnqueue(new byte[8193]));
    }

    [Fact]
    public void Strings_writers_and_spans_all_dequeue_without_loss()
    {
        using var segment = new TestSegment();
        using var queue = ShmByteQueue.CreateNew(segment.Name, 8);
        Assert.True(queue.TryEnqueue("first"));
        Assert.True(queue.TryEnqueue(new string('x', 3000)));
        Assert.True(queue.TryEnqueue("third"u8));
        Assert.True(queue.TryDequeueString(out string? first));
        Assert.Equal("first", first);

        Span<byte> small = stackalloc byte[16];
        Assert.False(queue.TryDequeue(small, out int needed));
        Assert.Equal(3000, needed);
        Assert.Equal(2, queue.Count);
        var writer = new ArrayBufferWriter<byte>();
        Assert.True(queue.TryDequeue(writer));
        Assert.Equal(new string('x', 3000), Encoding.UTF8.GetString(writer.WrittenSpan));
        Assert.True(queue.TryPeekLength(out int length));
        Assert.Equal(5, length);
        Assert.True(queue.TryDequeue(small, out length));
        Assert.Equal("third", Encoding.UTF8.GetString(small[..length]));
        Assert.False(queue.TryDequeue(small, out length));
        Assert.Equal(0, length);
    }

    [Fact]
    public void A_message_longer_than_the_arena_or_the_configured_maximum_is_an_argument_error_not_full()
    {
        using var segment = new TestSegment();
        using var queue = ShmByteQueue.CreateNew(segment.Name, 4, arenaBytes: 4096);
        Assert.True(queue.TryEnqueue("keep"));
        var error = Assert.Throws<ArgumentException>(() => queue.TryEnqueue(new byte[5000]));
        Assert.Contains("5000", error.Message);
        Assert.Contains("4096", error.Message);
        queue.MaxMessageLength = 100;
        error = Assert.Throws<ArgumentException>(() => queue.TryEnqueueFront(new byte[101]));
        Assert.Contains("at most 100", error.Message);
        Assert.Equal(1, queue.Count);
        Assert.True(queue.TryDequeueString(out string? kept));
        Assert.Equal("keep", kept);
    }

    [Fact]
    public void A_full_arena_with_free_descriptors_is_full_and_draining_frees_it()
    {
        using var segment = new TestSegment();
        using var queue = ShmByteQueue.CreateNew(segment.Name, 64, arenaBytes: 4096);
        Assert.True(queue.TryEnqueue(new byte[2000]));
        Assert.True(queue.TryEnqueue(new byte[2000]));
        Assert.False(queue.TryEnqueue(new byte[200]));
        Assert.False(queue.TryEnqueueFront(new byte[200]));
        Assert.Equal(2, queue.GetStats().FullCount);
        Assert.Equal(2, queue.Count);
        Assert.True(queue.TryDequeue(out _));
        Assert.True(queue.TryEnqueue(new byte[200]));
        Assert.Equal(2000 + 96 + 200, queue.ArenaUsed); // 96 bytes left at the arena end are skipped: the new message wrapped to 0
        queue.Verify();
    }

    [Fact]
    public void Descriptors_run_out_before_the_arena()
    {
        using var segment = new TestSegment();
        using var queue = ShmByteQueue.CreateNew(segment.Name, 4);
        for (int i = 0; i < 4; i++)
            Assert.True(queue.TryEnqueue([(byte)i]));
        Assert.False(queue.TryEnqueue([9]));
        Assert.False(queue.TryEnqueueFront([9]));
        Assert.Equal(4, queue.Count);
    }

    [Fact]
    public void Front_and_back_operations_act_as_a_deque()
    {
        using var segment = new TestSegment();
        using var queue = ShmByteQueue.CreateNew(segment.Name, 8);
        queue.TryEnqueue("b");
        queue.TryEnqueue("c");
        queue.TryEnqueueFront("a"u8);
        Assert.True(queue.TryDequeueBack(out byte[] newest));
        Assert.Equal("c", Encoding.UTF8.GetString(newest));
        Assert.True(queue.TryDequeueString(out string? oldest));
        Assert.Equal("a", oldest);
        Assert.True(queue.TryDequeueBack(out byte[] last));
        Assert.Equal("b", Encoding.UTF8.GetString(last));
        Assert.False(queue.TryDequeueBack(out _));
        queue.Verify();
    }

    [Fact]
    public void Peek_copies_the_front_without_taking_it()
    {
        using var segment = new TestSegment();
        using var queue = ShmByteQueue.CreateNew(segment.Name, 8);
        Assert.False(queue.TryPeek(out byte[] none));
        Assert.Empty(none);
        queue.TryEnqueue("first");
        queue.TryEnqueue("second");
        Assert.True(queue.TryPeek(out byte[] peeked));
        Assert.True(queue.TryPeek(out byte[] again));
        Assert.Equal("first", Encoding.UTF8.GetString(peeked));
        Assert.Equal(peeked, again);
        Assert.Equal(2, queue.Count);
        Assert.True(queue.TryDequeueString(out string? taken));
        Assert.Equal("first", taken);
        Assert.True(queue.TryPeek(out byte[] next));
        Assert.Equal("second", Encoding.UTF8.GetString(next));
        queue.Verify();
    }

    [Fact]
    public void A_message_wrapping_to_offset_0_then_a_back_pop_and_more_pushes_stay_exact()
    {
        using var segment = new TestSegment();
        using var queue = ShmByteQueue.CreateNew(segment.Name, 16, arenaBytes: 4096);
        byte[] Fill(int length, byte value) => Enumerable.Repeat(value, length).ToArray();
        Assert.True(queue.TryEnqueue(Fill(1500, 1)));
        Assert.True(queue.TryEnqueue(Fill(1500, 2)));
        Assert.True(queue.TryDequeue(out _));             // frees [0, 1504)
        Assert.True(queue.TryEnqueue(Fill(1200, 3)));     // does not fit at the end: wraps to offset 0
        queue.Verify();
        Assert.True(queue.TryDequeueBack(out byte[] wrapped));
        Assert.Equal(Fill(1200, 3), wrapped);
        queue.Verify();
        Assert.True(queue.TryEnqueue(Fill(900, 4)));
        Assert.True(queue.TryEnqueue(Fill(1000, 5)));
        Assert.True(queue.TryEnqueueFront(Fill(10, 6)));
        queue.Verify();
        Assert.Equal(Fill(10, 6), Take(queue));
        Assert.Equal(Fill(1500, 2), Take(queue));
        Assert.Equal(Fill(900, 4), Take(queue));
        Assert.Equal(Fill(1000, 5), Take(queue));
        Assert.Equal(0, queue.ArenaUsed);
    }

    [Fact]
    public void Forty_thousand_random_operations_on_a_tiny_queue_match_a_reference_deque()
    {
        using var segment = new TestSegment();
        using var queue = ShmByteQueue.CreateNew(segment.Name, 16, arenaBytes: 4096);
        var reference = new LinkedList<byte[]>();
        var random = new Random(20261123);
        int operations = (int)TestSize.Get("SHM_DEQUE_OPS", 40_000);
        for (int step = 0; step < operations; step++)
        {
            int action = random.Next(4);
            if (action < 2)
            {
                byte[] message = new byte[random.Next(0, 700)];
                random.NextBytes(message);
                bool front = action == 1;
                bool pushed = front ? queue.TryEnqueueFront(message) : queue.TryEnqueue(message);
                if (pushed)
                {
                    if (front)
                        reference.AddFirst(message);
                    else
                        reference.AddLast(message);
                }
                else
                {
                    Assert.True(reference.Count > 0, $"step {step}: refused a push into an empty queue");
                }
            }
            else
            {
                bool back = action == 3;
                bool taken = back ? queue.TryDequeueBack(out byte[] got) : queue.TryDequeue(out got);
                Assert.Equal(reference.Count > 0, taken);
                if (taken)
                {
                    byte[] expected = back ? reference.Last!.Value : reference.First!.Value;
                    if (back)
                        reference.RemoveLast();
                    else
                        reference.RemoveFirst();
                    Assert.Equal(expected, got);
                }
            }
            Assert.Equal(reference.Count, queue.Count);
            queue.Verify();
        }
    }

    [Fact]
    public void Clear_empties_the_queue()
    {
        using var segment = new TestSegment();
        using var queue = ShmByteQueue.CreateNew(segment.Name, 8);
        queue.TryEnqueue("a");
        queue.TryEnqueue("b");
        queue.Clear();
        Assert.Equal(0, queue.Count);
        Assert.Equal(0, queue.ArenaUsed);
        queue.Verify();
        Assert.True(queue.TryEnqueue("c"));
    }

    [Fact]
    public void Geometry_is_validated_and_shared()
    {
        using var segment = new TestSegment();
        Assert.Throws<ArgumentOutOfRangeException>(() => ShmByteQueue.CreateNew(segment.Name, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ShmByteQueue.CreateNew(segment.Name, 8, arenaBytes: 100));
        Assert.Throws<ArgumentOutOfRangeException>(() => ShmByteQueue.CreateNew(segment.Name, 8, arenaBytes: (1L << 32) + 8));
        using var queue = ShmByteQueue.CreateNew(segment.Name, 10);
        Assert.Equal(16, queue.Capacity);
        Assert.Equal(4096, queue.ArenaCapacity);
        using var other = ShmByteQueue.OpenExisting(segment.Name);
        Assert.Equal(16, other.Capacity);
        queue.TryEnqueue("shared");
        Assert.True(other.TryDequeueString(out string? text));
        Assert.Equal("shared", text);
        Assert.Throws<InvalidDataException>(() => ShmQueue<long>.OpenExisting(segment.Name));
    }

    private static byte[] Take(ShmByteQueue queue)
    {
        Assert.True(queue.TryDequeue(out byte[] message));
        return message;
    }
}
