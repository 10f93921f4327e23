using Shm.Primitives.Tests.Queue;

namespace Shm.Primitives.Tests.MultiProcess;

/// <summary>A sleeper killed while registered must not leave every later operation paying a wake system call.</summary>
public class DeadSleeperTests
{
    [Fact]
    public void A_killed_sleeping_consumer_of_a_byte_queue_stops_counting_after_survivors_notice()
    {
        using var segment = new TestSegment();
        using var log = new TestSegment("log");
        using var queue = ShmByteQueue.CreateNew(segment.Name, 8);
        using (Worker sleeper = Worker.Start("bq-consume", segment.Name, log.Path, "16", "front"))
        {
            Assert.Equal("ready", sleeper.ReadLine());
            TestWait.Until(() => queue.GetStats().SleepingConsumers == 1);
            sleeper.Process.Kill();
            sleeper.WaitForExit();
        }
        Assert.Equal(1, queue.GetStats().SleepingConsumers); // left behind by the dead sleeper
        for (int i = 0; i < 100; i++)
        {
            queue.TryEnqueue("x"u8);    // each wake finds nobody; after a few dozen the dead record is reaped
            queue.TryDequeue(out byte[] _);
        }
        Assert.Equal(0, queue.GetStats().SleepingConsumers);
    }

    [Fact]
    public void A_killed_sleeping_consumer_of_a_queue_is_reaped_when_the_queue_is_next_opened()
    {
        using var segment = new TestSegment();
        using var log = new TestSegment("log");
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 8);
        using (Worker sleeper = Worker.Start("consume", segment.Name, log.Path, "16", "1"))
        {
            Assert.Equal("ready", sleeper.ReadLine());
            TestWait.Until(() => queue.GetStats().SleepingConsumers == 1);
            sleeper.Process.Kill();
            sleeper.WaitForExit();
        }
        Assert.Equal(1, queue.GetStats().SleepingConsumers);
        using var reopened = ShmQueue<long>.OpenExisting(segment.Name);
        Assert.Equal(0, reopened.GetStats().SleepingConsumers);
        Assert.Equal(0, queue.GetStats().SleepingConsumers);
    }
}
