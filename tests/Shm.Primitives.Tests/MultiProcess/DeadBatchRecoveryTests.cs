using System.Diagnostics;
using Shm.Primitives.Diagnostics;

namespace Shm.Primitives.Tests.MultiProcess;

/// <summary>
/// A process killed holding a batch claim (DequeueMany, PublishMany) leaves a run of stuck positions. Found by the
/// chaos campaign (tests/Shm.Chaos): they were repaired (skipped) one grace period and one wake-up each, so a dead
/// batch of 8 took 80-90 ms to get past, above the 50 ms recovery goal. The whole run must go in one pass.
/// </summary>
public class DeadBatchRecoveryTests
{
    [Fact]
    public void A_consumer_killed_holding_a_batch_has_the_whole_batch_repaired_in_one_pass()
    {
        using var segment = new TestSegment("deadbatch");
        using var log = new TestSegment("deadbatch-log");
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 16);
        for (long i = 0; i < 16; i++)
            Assert.True(queue.TryEnqueue(i));
        var environment = new Dictionary<string, string> { [FaultPoint.EnvironmentVariable] = $"{FaultPoints.QueuePopManyClaimed}:1:kill" };
        using (Worker consumer = Worker.Start(environment, "consume", segment.Name, log.Path, "100", "8"))
            Assert.Equal(Worker.KilledExitCode, consumer.WaitForExit());

        // The dead consumer holds positions 0..7 (head 8, tail 16): a producer finds the queue full until they are
        // released. This thread alone operates, so the first repair it makes and every repair of that pass are done
        // when TryEnqueue returns.
        TestWait.Until(() => queue.TryEnqueue(100) || queue.GetStats().Recoveries > 0, "the dead consumer's slots were never repaired");
        Assert.Equal(8, queue.GetStats().Recoveries);
        for (long i = 101; i < 108; i++)
            Assert.True(queue.TryEnqueue(i), "a slot of the dead batch is still held");
        Assert.Equal(Enumerable.Range(8, 8).Select(i => (long)i), queue.Drain(8));
    }

    [Fact]
    public void A_publisher_killed_holding_a_batch_leaves_holes_a_subscriber_skips_together()
    {
        using var segment = new TestSegment("deadholes");
        using var ring = ShmPubSub<long>.CreateNew(segment.Name, 64);
        Assert.True(ring.Publish(-1)); // position 0 is taken: its "abandoned" value reads as "never written"
        ShmSubscriber<long> subscriber = ring.Subscribe();
        var environment = new Dictionary<string, string> { [FaultPoint.EnvironmentVariable] = $"{FaultPoints.PubSubPublishManyClaimed}:1:kill" };
        using (Worker publisher = Worker.Start(environment, "ps-publish", segment.Name, "1", "8", "8"))
            Assert.Equal(Worker.KilledExitCode, publisher.WaitForExit());
        Assert.True(ring.Publish(42)); // behind the 8 positions the dead publisher claimed and never wrote

        Assert.False(subscriber.TryPoll(out _)); // the first hole is seen: its grace period starts now
        var started = Stopwatch.StartNew();
        while (started.Elapsed < ShmPubSub<long>.HoleGracePeriod * 2)
            Thread.SpinWait(1000); // lets the grace period pass; nothing to synchronise with (the publisher is dead)

        // One poll: the first hole's holder is dead, and so is every next one's, so all 8 go at once.
        Assert.True(subscriber.TryPoll(out long value, out long lost));
        Assert.Equal(42, value);
        Assert.Equal(8, lost);
        Assert.Equal(8, subscriber.SkippedCount);
    }
}
