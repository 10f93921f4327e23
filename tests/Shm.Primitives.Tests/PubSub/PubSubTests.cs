using System.Globalization;
using Shm.Primitives.Diagnostics;
using Shm.Primitives.Tests.Queue;

namespace Shm.Primitives.Tests.PubSub;

public class PubSubTests
{
    [Fact]
    public void Subscribe_sees_only_later_messages_and_from_oldest_starts_a_ring_back()
    {
        using var segment = new TestSegment();
        using var ring = ShmPubSub<long>.CreateNew(segment.Name, 16);
        for (long i = 0; i < 20; i++)
            Assert.True(ring.Publish(i));
        ShmSubscriber<long> late = ring.Subscribe();
        ShmSubscriber<long> oldest = ring.SubscribeFromOldest();
        Assert.Equal(4, oldest.Cursor);
        Assert.False(late.TryPoll(out _));
        Assert.Equal(Enumerable.Range(4, 16).Select(i => (long)i), oldest.Drain());
        Assert.Equal(0, oldest.OverflowCount);
        ring.Publish(20);
        Assert.True(late.TryPoll(out long value));
        Assert.Equal(20, value);
        Assert.True(oldest.TryPoll(out value));
        Assert.Equal(20, value);
    }

    [Fact]
    public void Two_subscribers_each_receive_everything()
    {
        using var segment = new TestSegment();
        using var ring = ShmPubSub<int>.CreateNew(segment.Name, 64);
        ShmSubscriber<int> a = ring.Subscribe(), b = ring.Subscribe();
        ring.PublishMany([1, 2, 3]);
        ring.Publish(4);
        Assert.Equal([1, 2, 3, 4], a.Drain());
        var buffer = new int[8];
        Assert.Equal(4, b.PollMany(buffer, out long lost));
        Assert.Equal(0, lost);
        Assert.Equal([1, 2, 3, 4], buffer[..4]);
    }

    [Fact]
    public void A_lapped_subscriber_is_told_how_many_it_lost_and_resumes_at_the_oldest()
    {
        using var segment = new TestSegment();
        using var ring = ShmPubSub<long>.CreateNew(segment.Name, 16);
        ShmSubscriber<long> subscriber = ring.Subscribe();
        for (long i = 1; i <= 5; i++)
            ring.Publish(i);
        Assert.Equal([1, 2, 3, 4, 5], subscriber.Drain());
        for (long i = 6; i <= 30; i++)
            ring.Publish(i);
        Assert.Equal(25, subscriber.Lag);
        Assert.True(subscriber.TryPoll(out long first, out long lost));
        Assert.Equal(9, lost);
        Assert.Equal(15, first);
        Assert.Equal(Enumerable.Range(16, 15).Select(i => (long)i), subscriber.Drain());
        Assert.Equal(9, subscriber.OverflowCount);

        ShmSubscriber<long> again = ring.Subscribe();
        for (long i = 31; i <= 40; i++)
            ring.Publish(i);
        again.ResetToOldest();
        Assert.True(again.TryPoll(out long oldest, out lost));
        Assert.Equal(0, lost);
        Assert.Equal(25, oldest);
        again.ResetToLatest();
        Assert.False(again.TryPoll(out _));
    }

    [Fact]
    public async Task Blocking_and_async_polls_wait_for_a_publish()
    {
        using var segment = new TestSegment();
        using var ring = ShmPubSub<long>.CreateNew(segment.Name, 16);
        ShmSubscriber<long> subscriber = ring.Subscribe();
        Assert.False(subscriber.TryPoll(out _, TimeSpan.FromMilliseconds(20)));
        var waiting = Task.Run(() => subscriber.Poll(TimeSpan.FromMinutes(1)));
        TestWait.Until(() => ring.GetStats().SleepingSubscribers == 1);
        ring.Publish(5);
        Assert.Equal(5, await waiting.WaitAsync(TimeSpan.FromMinutes(1)));

        ValueTask<long> pending = subscriber.PollAsync();
        Assert.False(pending.IsCompleted);
        TestWait.Until(() => ring.GetStats().SleepingSubscribers == 1);
        ring.Publish(6);
        Assert.Equal(6, await pending.AsTask().WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(0, ring.GetStats().SleepingSubscribers);
    }

    [Theory]
    [InlineData(FaultPoints.PubSubPublishClaimed)]
    [InlineData(FaultPoints.PubSubPublishWriting)]
    public void A_publisher_stopped_mid_publish_never_makes_readers_take_a_stale_value(string faultPoint)
    {
        using var segment = new TestSegment();
        using var ring = ShmPubSub<long>.CreateNew(segment.Name, 16);
        ShmSubscriber<long> subscriber = ring.Subscribe();
        var environment = new Dictionary<string, string> { [FaultPoint.EnvironmentVariable] = $"{faultPoint}:1:stop" };
        using Worker late = Worker.Start(environment, "ps-publish", segment.Name, "7", "1", "1");
        TestWait.Until(() => ProcessIdentity.StateOf(late.Pid) == 'T');
        Assert.Equal(1, ring.WritePosition); // it claimed position 0 and stopped
        for (long i = 1; i <= 16; i++)
            ring.Publish(i);              // position 16 shares position 0's slot
        Assert.Equal(0, Interop.Libc.Kill(late.Pid, Interop.Libc.SIGCONT));
        late.WaitForSuccess();

        // Position 0: the hole or the late value; position 16: the fresh value 16 or a hole. Never the stale 7 << 32.
        var seen = new List<long>();
        while (subscriber.Cursor < ring.WritePosition)
        {
            if (subscriber.TryPoll(out long value, TimeSpan.FromSeconds(5)))
                seen.Add(value);
        }
        // 17 positions in a 16-slot ring: the reader starts lapped by one (position 0 is gone either way).
        var fresh = Enumerable.Range(1, 15).Select(i => (long)i);
        Assert.Equal(1, subscriber.OverflowCount);
        if (faultPoint == FaultPoints.PubSubPublishClaimed)
        {
            // The newer publisher took the slot; the late one found it newer and dropped its value.
            Assert.Equal(fresh.Append(16), seen);
            Assert.Equal(0, subscriber.SkippedCount);
        }
        else
        {
            // The late one held the slot: the newer publisher dropped (it never waits and never overwrites), and
            // position 16 is a hole the reader skips: the late value committed for position 0 is never read as 16.
            Assert.Equal(fresh, seen);
            Assert.Equal(1, subscriber.SkippedCount);
        }
        Assert.Equal(1, ring.GetStats().Dropped);
    }

    [Fact]
    public void A_live_publisher_between_its_claim_of_position_0_and_its_write_is_waited_for_not_skipped()
    {
        // Position 0's slot reads 0 ("never written") until its publisher marks it, and 0 is also position 0's
        // "abandoned" value: a reader must not take the first message of a fresh ring for a dead publisher's hole.
        using var segment = new TestSegment();
        using var ring = ShmPubSub<long>.CreateNew(segment.Name, 16);
        ShmSubscriber<long> subscriber = ring.Subscribe();
        var environment = new Dictionary<string, string> { [FaultPoint.EnvironmentVariable] = $"{FaultPoints.PubSubPublishClaimed}:1:stop" };
        using Worker late = Worker.Start(environment, "ps-publish", segment.Name, "7", "1", "1");
        TestWait.Until(() => ProcessIdentity.StateOf(late.Pid) == 'T');
        Assert.Equal(1, ring.WritePosition); // it claimed position 0 and stopped before touching the slot

        // Well past the hole grace period and well short of the stalled-publisher timeout: the reader keeps waiting.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < ShmPubSub<long>.HoleGracePeriod * 10)
        {
            Assert.False(subscriber.TryPoll(out _, out long lost));
            Assert.Equal(0, lost);
        }
        Assert.Equal(0, subscriber.SkippedCount);

        Assert.Equal(0, Interop.Libc.Kill(late.Pid, Interop.Libc.SIGCONT));
        late.WaitForSuccess();
        Assert.Equal(7L << 32, subscriber.Poll(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, subscriber.SkippedCount);
    }

    [Theory]
    [InlineData(FaultPoints.PubSubPublishClaimed)]
    [InlineData(FaultPoints.PubSubPublishWriting)]
    [InlineData(FaultPoints.PubSubPublishManyClaimed)]
    public void Publishers_killed_mid_publish_leave_holes_that_readers_skip(string faultPoint)
    {
        int kills = (int)TestSize.Get("SHM_KILLS", 20);
        using var segment = new TestSegment();
        using var ring = ShmPubSub<long>.CreateNew(segment.Name, 256); // holds everything one worker publishes
        ShmSubscriber<long> subscriber = ring.Subscribe();
        var random = new Random(99);
        var received = new List<long>();
        long skippedBefore = 0;
        bool batches = faultPoint == FaultPoints.PubSubPublishManyClaimed;
        for (int k = 0; k < kills; k++)
        {
            int hit = random.Next(1, 20);
            var environment = new Dictionary<string, string> { [FaultPoint.EnvironmentVariable] = $"{faultPoint}:{hit}:kill" };
            using Worker publisher = Worker.Start(environment, "ps-publish", segment.Name, k.ToString(CultureInfo.InvariantCulture), "1000", batches ? "4" : "1");
            Assert.Equal(Worker.KilledExitCode, publisher.WaitForExit());
            ring.Publish((1000L << 32) | (uint)k); // survivors keep publishing behind the hole
            while (subscriber.Cursor < ring.WritePosition)
            {
                if (subscriber.TryPoll(out long value, TimeSpan.FromSeconds(5)))
                    received.Add(value);
            }
            // The dead publisher's claim (one position, or a batch of 4) is skipped; everything before it arrived.
            int claimed = batches ? 4 : 1;
            Assert.Equal(skippedBefore + claimed, subscriber.SkippedCount);
            skippedBefore = subscriber.SkippedCount;
            var mine = received.Where(v => v >> 32 == k).Select(v => v & 0xFFFFFFFF).ToList();
            Assert.Equal(Enumerable.Range(0, (hit - 1) * claimed).Select(i => (long)i), mine);
        }
        Assert.Equal(kills, received.Count(v => v >> 32 == 1000));
        // A lap later the dead writers' slots are abandoned and reused.
        for (int i = 0; i < 2 * ring.Capacity; i++)
            Assert.True(ring.Publish(-1));
        Assert.Equal(0, ring.GetStats().Dropped);
    }

    [Fact]
    public void Three_publisher_processes_reach_three_subscriber_processes_in_order()
    {
        const int publishers = 3, subscribers = 3, perPublisher = 10_000;
        using var segment = new TestSegment();
        using var ring = ShmPubSub<long>.CreateNew(segment.Name, 1 << 16);
        var logs = Enumerable.Range(0, subscribers).Select(i => new TestSegment("log" + i)).ToList();
        var workers = new List<Worker>();
        try
        {
            string total = (publishers * perPublisher).ToString(CultureInfo.InvariantCulture);
            for (int s = 0; s < subscribers; s++)
                workers.Add(Worker.Start("ps-subscribe", segment.Name, logs[s].Path, total, total));
            foreach (Worker w in workers)
                Assert.Equal("ready", w.ReadLine());
            for (int p = 0; p < publishers; p++)
                workers.Add(Worker.Start("ps-publish", segment.Name, p.ToString(CultureInfo.InvariantCulture), perPublisher.ToString(CultureInfo.InvariantCulture), p == 0 ? "8" : "1"));
            foreach (Worker w in workers.Skip(subscribers))
                w.WaitForSuccess();
            foreach (Worker w in workers.Take(subscribers))
            {
                Assert.Equal("done", w.ReadLine()); // "lost" would mean an overflow or a skipped hole
                w.WaitForSuccess();
            }
            foreach (TestSegment log in logs)
            {
                long[] items = TestWorker.ItemLog.Read(log.Path);
                Assert.Equal(publishers * perPublisher, items.Length);
                for (long p = 0; p < publishers; p++)
                    Assert.Equal(Enumerable.Range(0, perPublisher).Select(i => (p << 32) | (uint)i), items.Where(v => v >> 32 == p));
            }
        }
        finally
        {
            workers.ForEach(w => w.Dispose());
            logs.ForEach(l => l.Dispose());
        }
    }
}
