using System.Globalization;
using Shm.Primitives.Tests.Queue;

namespace Shm.Primitives.Tests.PubSub;

public class BackpressureTests
{
    [Fact]
    public void A_registered_subscriber_holds_publishers_back_until_it_reads()
    {
        using var segment = new TestSegment();
        using var ring = ShmPubSub<long>.CreateNew(segment.Name, 8, ShmPubSubMode.Backpressure);
        Assert.Equal(ShmPubSubMode.Backpressure, ring.Mode);
        using ShmSubscriber<long> subscriber = ring.Subscribe();
        for (long i = 0; i < 8; i++)
            Assert.True(ring.Publish(i));
        Assert.False(ring.Publish(8));
        Assert.Equal(0, ring.PublishMany([8, 9]));
        Assert.False(ring.TryPublish(8, TimeSpan.FromMilliseconds(20)));

        var publisher = Task.Run(() => ring.TryPublish(8, TimeSpan.FromMinutes(1)));
        TestWait.Until(() => ring.GetStats().SleepingSubscribers == 0 && !publisher.IsCompleted);
        Assert.True(subscriber.TryPoll(out long first));
        Assert.Equal(0, first);
        Assert.True(publisher.Wait(TimeSpan.FromMinutes(1)) && publisher.Result);
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), subscriber.Drain());
        Assert.Equal(0, subscriber.OverflowCount);

        subscriber.Dispose(); // unregistered: nobody holds publishers back any more
        for (long i = 0; i < 100; i++)
            Assert.True(ring.Publish(i));
    }

    [Fact]
    public void A_slow_subscriber_process_loses_nothing_and_its_death_unblocks_the_publisher()
    {
        using var segment = new TestSegment();
        using var log = new TestSegment("log");
        using var ring = ShmPubSub<long>.CreateNew(segment.Name, 64, ShmPubSubMode.Backpressure);
        const int count = 20_000;
        using (Worker subscriber = Worker.Start("ps-subscribe", segment.Name, log.Path, count.ToString(CultureInfo.InvariantCulture), count.ToString(CultureInfo.InvariantCulture)))
        {
            Assert.Equal("ready", subscriber.ReadLine());
            for (long i = 0; i < count; i++)
                Assert.True(ring.TryPublish(i, TimeSpan.FromMinutes(1)), $"publish {i} timed out");
            Assert.Equal("done", subscriber.ReadLine()); // "lost" would mean an overflow
            subscriber.WaitForSuccess();
        }
        Assert.Equal(Enumerable.Range(0, count).Select(i => (long)i), TestWorker.ItemLog.Read(log.Path));

        using var log2 = new TestSegment("log2");
        using (Worker stuck = Worker.Start("ps-subscribe", segment.Name, log2.Path, "1000000", "1000000"))
        {
            Assert.Equal("ready", stuck.ReadLine());
            Assert.Equal(0, Interop.Libc.Kill(stuck.Pid, 19)); // SIGSTOP: alive, registered, not reading
            TestWait.Until(() => ProcessIdentity.StateOf(stuck.Pid) == 'T');
            int published = 0;
            while (published <= ring.Capacity && ring.TryPublish(published, TimeSpan.FromMilliseconds(200)))
                published++;
            Assert.True(published <= ring.Capacity, "a stopped subscriber did not hold the publisher back");
            stuck.Process.Kill();
            stuck.WaitForExit();
        }
        Assert.True(ring.TryPublish(-1, TimeSpan.FromMinutes(1)), "a dead subscriber still blocks the publisher");
    }

    [Fact]
    public void A_byte_ring_in_backpressure_mode_waits_for_its_registered_subscriber()
    {
        using var segment = new TestSegment();
        using var ring = ShmBytePubSub.CreateNew(segment.Name, 4, maxMessageBytes: 32, ShmPubSubMode.Backpressure);
        Assert.Equal(ShmPubSubMode.Backpressure, ring.Mode);
        using var reopened = ShmBytePubSub.OpenExisting(segment.Name);
        Assert.Equal(ShmPubSubMode.Backpressure, reopened.Mode);
        Assert.Equal(32, reopened.MaxMessageBytes);
        ShmByteSubscriber subscriber = ring.Subscribe();
        for (int i = 0; i < 4; i++)
            Assert.True(ring.Publish([(byte)i]));
        Assert.False(ring.Publish([9]));
        Assert.False(ring.PublishMany([(ReadOnlyMemory<byte>)new byte[] { 9 }]));
        var publisher = Task.Run(() => ring.TryPublish([4], TimeSpan.FromMinutes(1)));
        Assert.True(subscriber.TryPoll(out byte[] first));
        Assert.Equal([0], first);
        Assert.True(publisher.Wait(TimeSpan.FromMinutes(1)) && publisher.Result);
        for (int i = 1; i <= 4; i++)
        {
            Assert.True(subscriber.TryPoll(out byte[] message, out long lost));
            Assert.Equal(0, lost);
            Assert.Equal([(byte)i], message);
        }
        subscriber.Dispose();
        for (int i = 0; i < 20; i++)
            Assert.True(ring.Publish([1]));
    }

    [Fact]
    public void A_reader_racing_its_publisher_in_backpressure_mode_loses_nothing()
    {
        // Backpressure: any loss or skip is a reader bug (it once took a slot committed between its two looks for a hole).
        long count = TestSize.Get("SHM_RACE_MESSAGES", 300_000);
        using var segment = new TestSegment();
        using var ring = ShmBytePubSub.CreateNew(segment.Name, 64, maxMessageBytes: 8, ShmPubSubMode.Backpressure);
        using ShmByteSubscriber subscriber = ring.Subscribe();
        var publisher = Task.Run(() =>
        {
            for (long i = 0; i < count; i++)
            {
                if (!ring.TryPublish(BitConverter.GetBytes(i), TimeSpan.FromMinutes(1)))
                    throw new TimeoutException($"publish {i} waited a minute for the subscriber");
            }
        });
        Span<byte> buffer = stackalloc byte[8];
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        for (long expected = 0; expected < count;)
        {
            if (subscriber.TryPoll(buffer, out int length, out long lost))
            {
                Assert.Equal(0, lost);
                Assert.Equal(8, length);
                Assert.Equal(expected++, BitConverter.ToInt64(buffer));
            }
            else
            {
                Assert.True(DateTime.UtcNow < deadline && !publisher.IsFaulted, $"stalled at {expected} of {count}");
            }
        }
        publisher.Wait(TimeSpan.FromMinutes(1));
        Assert.Equal(0, subscriber.SkippedCount + subscriber.OverflowCount);
    }
}
