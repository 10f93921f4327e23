using System.Buffers;
using System.Globalization;
using System.Text;
using Shm.Primitives.Diagnostics;
using Shm.Primitives.Tests.Queue;
using Shm.TestWorker;

namespace Shm.Primitives.Tests.PubSub;

public class BytePubSubTests
{
    [Fact]
    public void Every_message_inside_the_window_reads_back_byte_exact_after_each_publish()
    {
        using var segment = new TestSegment();
        using var ring = ShmBytePubSub.CreateNew(segment.Name, 16, maxMessageBytes: 300);
        var random = new Random(5);
        var published = new List<byte[]>();
        for (int i = 0; i < 200; i++)
        {
            byte[] message = new byte[random.Next(0, 301)];
            random.NextBytes(message);
            ring.Publish(message);
            published.Add(message);
            ShmByteSubscriber reader = ring.SubscribeFromOldest();
            var window = published.Skip(Math.Max(0, published.Count - 16)).ToList();
            foreach (byte[] expected in window)
            {
                Assert.True(reader.TryPoll(out byte[] got, out long lost));
                Assert.Equal(0, lost);
                Assert.Equal(expected, got);
            }
            Assert.False(reader.TryPoll(out byte[] _));
        }
    }

    [Fact]
    public void Exactly_the_maximum_is_accepted_and_one_more_byte_is_an_argument_error()
    {
        using var segment = new TestSegment();
        using var ring = ShmBytePubSub.CreateNew(segment.Name, 4, maxMessageBytes: 64);
        ShmByteSubscriber subscriber = ring.Subscribe();
        ring.Publish(new byte[64]);
        var error = Assert.Throws<ArgumentException>(() => ring.Publish(new byte[65]));
        Assert.Contains("65", error.Message);
        Assert.Contains("64", error.Message);
        Assert.True(subscriber.TryPoll(out byte[] message));
        Assert.Equal(64, message.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => ShmBytePubSub.CreateNew(segment.Name + "x", 4, maxMessageBytes: (1 << 20) + 1));
    }

    [Fact]
    public void Spans_writers_strings_and_laps_behave()
    {
        using var segment = new TestSegment();
        using var ring = ShmBytePubSub.CreateNew(segment.Name, 4);
        ShmByteSubscriber subscriber = ring.Subscribe();
        ring.Publish("hello");
        Span<byte> small = stackalloc byte[2];
        Assert.False(subscriber.TryPoll(small, out int needed, out _));
        Assert.Equal(5, needed);
        var writer = new ArrayBufferWriter<byte>();
        Assert.True(subscriber.TryPoll(writer, out _));
        Assert.Equal("hello", Encoding.UTF8.GetString(writer.WrittenSpan));
        for (int i = 0; i < 10; i++)
            ring.Publish(Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture)));
        Assert.True(subscriber.TryPoll(out byte[] next, out long lost));
        Assert.Equal(6, lost);
        Assert.Equal("6", Encoding.UTF8.GetString(next));
        Assert.Equal(6, subscriber.OverflowCount);
        ring.PublishMany([(ReadOnlyMemory<byte>)"a"u8.ToArray(), (ReadOnlyMemory<byte>)"b"u8.ToArray()]);
        subscriber.ResetToLatest();
        Assert.False(subscriber.TryPoll(out byte[] _));
    }

    [Fact]
    public async Task Blocking_and_async_polls_wait_for_a_publish()
    {
        using var segment = new TestSegment();
        using var ring = ShmBytePubSub.CreateNew(segment.Name, 8);
        ShmByteSubscriber subscriber = ring.Subscribe();
        Assert.False(subscriber.TryPoll(out byte[] _, TimeSpan.FromMilliseconds(20)));
        ValueTask<byte[]> pending = subscriber.PollAsync();
        TestWait.Until(() => ring.GetStats().SleepingSubscribers == 1);
        ring.Publish("x"u8);
        Assert.Equal("x", Encoding.UTF8.GetString(await pending.AsTask().WaitAsync(TimeSpan.FromMinutes(1))));
    }

    [Theory]
    [InlineData(FaultPoints.BytePubSubPublishWriting, 1)]
    [InlineData(FaultPoints.BytePubSubPublishCommitted, 1)]
    [InlineData(FaultPoints.BytePubSubPublishManyCommitted, 4)]
    public void A_publisher_killed_holding_the_lock_leaves_nothing_torn_and_the_next_publish_recovers(string faultPoint, int batch)
    {
        int kills = (int)TestSize.Get("SHM_KILLS", 20);
        using var segment = new TestSegment();
        using var ring = ShmBytePubSub.CreateNew(segment.Name, 4096, maxMessageBytes: ByteQueueMessage.MaxLength);
        ShmByteSubscriber subscriber = ring.Subscribe();
        var random = new Random(11);
        var received = new List<byte[]>();
        for (int k = 0; k < kills; k++)
        {
            int hit = random.Next(1, 20);
            var environment = new Dictionary<string, string> { [FaultPoint.EnvironmentVariable] = $"{faultPoint}:{hit}:kill" };
            using Worker publisher = Worker.Start(environment, "bps-publish", segment.Name, k.ToString(CultureInfo.InvariantCulture), "1000", batch.ToString(CultureInfo.InvariantCulture));
            Assert.Equal(Worker.KilledExitCode, publisher.WaitForExit());
            ring.Publish(ByteQueueMessage.Create(100, k)); // the next publisher recovers the lock
            while (subscriber.TryPoll(out byte[] message, out long lost))
            {
                Assert.Equal(0, lost);
                received.Add(message);
            }
            // Every message the dead publisher made readable is intact, in order, and a prefix of what it sent:
            // one killed at "writing" lost the message in hand; one killed after committing had it completed.
            var mine = received.Select(m => ByteQueueMessage.IdentityOf(m)).Where(i => i >= 0 && i >> 32 == k).Select(i => (int)(i & 0xFFFFFFFF)).ToList();
            int operations = hit - 1 + (faultPoint == FaultPoints.BytePubSubPublishWriting ? 0 : 1);
            var identifiable = Enumerable.Range(0, operations * batch).Where(s => ByteQueueMessage.Create(k, s).Length >= 4);
            Assert.Equal(identifiable, mine);
        }
        Assert.All(received, m => Assert.True(ByteQueueMessage.IsIntact(m), "torn message"));
        Assert.Equal(kills, received.Count(m => ByteQueueMessage.IdentityOf(m) >> 32 == 100));
        Assert.Equal(kills, ring.GetStats().Abandoned);
    }
}

public class PubSubSegmentTests
{
    [Fact]
    public void Rings_validate_their_kind_and_element_type_and_notify_through_an_eventfd()
    {
        using var segment = new TestSegment();
        using (var ring = ShmPubSub<long>.CreateNew(segment.Name, 8))
        {
            ring.EnableEventFd();
            ring.Publish(1);
            ring.Notify();
            Assert.Equal(1UL, ring.ConsumeNotifications());
        }
        Assert.Contains("System.Int64", Assert.Throws<InvalidDataException>(() => ShmPubSub<int>.OpenExisting(segment.Name)).Message);
        Assert.Contains("PubSub segment, not a BytePubSub", Assert.Throws<InvalidDataException>(() => ShmBytePubSub.OpenExisting(segment.Name)).Message);
        Assert.Contains("PubSub segment, not a Queue", Assert.Throws<InvalidDataException>(() => ShmQueue<long>.OpenExisting(segment.Name)).Message);
        using var again = ShmPubSub<long>.OpenExisting(segment.Name);
        Assert.Equal(8, again.Capacity);
        Assert.Equal(1, again.WritePosition);

        using var bytes = new TestSegment("bytes");
        using (var ring = ShmBytePubSub.CreateNew(bytes.Name, 8, maxMessageBytes: 100))
        {
            Assert.Throws<InvalidOperationException>(() => ring.Notify());
            ring.EnableEventFd();
            ring.Notify();
            Assert.Equal(1UL, ring.ConsumeNotifications());
        }
        using var reopened = ShmBytePubSub.OpenExisting(bytes.Name);
        Assert.Equal(100, reopened.MaxMessageBytes);
        using var memfd = ShmPubSub<long>.CreateMemfd("ring", 4);
        using var shared = ShmPubSub<long>.OpenDescriptor(memfd.MemfdDescriptor);
        ShmSubscriber<long> subscriber = shared.Subscribe();
        memfd.Publish(9);
        Assert.True(subscriber.TryPoll(out long value));
        Assert.Equal(9, value);
    }
}

public class BytePubSubCorruptionTests
{
    [Fact]
    public void A_corrupt_length_is_skipped_and_counted_never_copied()
    {
        using var segment = new TestSegment();
        using var ring = ShmBytePubSub.CreateNew(segment.Name, 4, maxMessageBytes: 64);
        ShmByteSubscriber subscriber = ring.Subscribe();
        ring.Publish("one"u8);
        ring.Publish("two"u8);
        // Another process scribbles a huge length into the first slot (slot layout: sequence, length, data).
        long slots = ring.MappedBytes() - 4 * (16 + 64);
        using (var file = new FileStream(segment.Path, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = slots + 8;
            file.Write(BitConverter.GetBytes(int.MaxValue));
        }
        var buffer = new byte[64];
        var lengths = new int[4];
        Assert.Equal(1, subscriber.PollMany(buffer, lengths, out long lost));
        Assert.Equal(1, lost);
        Assert.Equal(1, subscriber.SkippedCount);
        Assert.Equal("two", System.Text.Encoding.UTF8.GetString(buffer, 0, lengths[0]));
        Assert.Empty(subscriber.Drain());
    }
}

internal static class BytePubSubTestExtensions
{
    public static long MappedBytes(this ShmBytePubSub ring) => new FileInfo(ring.Name).Length;
}
