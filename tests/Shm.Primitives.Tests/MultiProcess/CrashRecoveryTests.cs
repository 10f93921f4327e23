using System.Globalization;
using Shm.Primitives.Diagnostics;

namespace Shm.Primitives.Tests.MultiProcess;

/// <summary>
/// kill -9 inside every claim→commit window of ShmQueue, many times, with survivors working throughout. The
/// number of kills per fault point is SHM_KILLS (default 20).
/// </summary>
public class CrashRecoveryTests
{
    private static readonly int Kills = (int)TestSize.Get("SHM_KILLS", 20);
    private const long SurvivorId = 1_000;

    [Theory]
    [InlineData(FaultPoints.QueuePushClaimed, 1)]
    [InlineData(FaultPoints.QueuePushManyClaimed, 8)]
    public void Producers_killed_mid_claim_lose_only_their_item_in_flight(string faultPoint, int batch)
    {
        using var segment = new TestSegment();
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 16);
        var received = new List<long>();
        Exception? consumerFailure = null;
        var consumer = new Thread(() =>
        {
            try
            {
                while (true)
                {
                    long item = queue.Dequeue(TimeSpan.FromMinutes(1));
                    if (item == -1)
                        return;
                    received.Add(item);
                }
            }
            catch (Exception e)
            {
                consumerFailure = e; // reported by the test, not thrown on a raw thread (that would end the test host)
            }
        });
        consumer.Start();
        var random = new Random(1234);
        var hits = new int[Kills];
        for (int k = 0; k < Kills; k++)
        {
            hits[k] = random.Next(1, 60);
            var environment = new Dictionary<string, string> { [FaultPoint.EnvironmentVariable] = $"{faultPoint}:{hits[k]}:kill" };
            using Worker producer = Worker.Start(environment, "produce", segment.Name, k.ToString(CultureInfo.InvariantCulture), "100000", batch.ToString(CultureInfo.InvariantCulture));
            Assert.Equal(Worker.KilledExitCode, producer.WaitForExit());
            // Survivors keep using the queue: these land behind the dead producer's stuck slot.
            for (long s = 0; s < 5; s++)
                queue.Enqueue((SurvivorId << 32) | (k * 5 + s), TimeSpan.FromMinutes(1));
        }
        queue.Enqueue(-1, TimeSpan.FromMinutes(1));
        Assert.True(consumer.Join(TimeSpan.FromMinutes(2)), "the consumer is wedged");
        Assert.Null(consumerFailure);

        Assert.Equal(received.Count, received.Distinct().Count());
        var survivors = received.Where(i => i >> 32 == SurvivorId).Select(i => i & 0xFFFFFFFF).ToList();
        Assert.Equal(Enumerable.Range(0, Kills * 5).Select(i => (long)i), survivors);
        long lost = 0;
        for (int k = 0; k < Kills; k++)
        {
            var mine = received.Where(i => i >> 32 == k).Select(i => i & 0xFFFFFFFF).ToList();
            // FIFO per producer, a contiguous prefix: nothing lost but the tail end that was in flight.
            Assert.Equal(Enumerable.Range(0, mine.Count).Select(i => (long)i), mine);
            if (batch == 1)
                Assert.Equal(hits[k] - 1, mine.Count); // the hit-th item was claimed and never committed
            else
                Assert.InRange(mine.Count, (hits[k] - 1) * 1L, (hits[k] - 1) * (long)batch);
            lost += batch == 1 ? 1 : 0;
        }
        ShmQueueStats stats = queue.GetStats();
        if (batch == 1)
            Assert.Equal(lost, stats.Recoveries);
        else
            Assert.InRange(stats.Recoveries, Kills, Kills * (long)batch);
        Assert.Equal(0, queue.Count);
    }

    [Theory]
    [InlineData(FaultPoints.QueuePopClaimed, 1)]
    [InlineData(FaultPoints.QueuePopManyClaimed, 8)]
    public void Consumers_killed_mid_claim_lose_only_their_item_in_flight(string faultPoint, int batch)
    {
        using var segment = new TestSegment();
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 16);
        long produced = 0;
        // Stopping must also end a wait for room: once the last consumer is dead the producer fills the queue (the
        // dead consumer's slots included, as soon as it repairs them) and nobody is left to make room.
        using var stop = new CancellationTokenSource();
        Exception? producerFailure = null;
        var producer = new Thread(() =>
        {
            try
            {
                while (true)
                {
                    // Throws only before the item is added: a cancelled Enqueue added nothing.
                    queue.Enqueue(produced, TimeSpan.FromMinutes(1), stop.Token);
                    Volatile.Write(ref produced, produced + 1);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                producerFailure = e; // reported by the test, not thrown on a raw thread (that would end the test host)
            }
        });
        producer.Start();

        var logs = new List<TestSegment>();
        try
        {
            var random = new Random(4321);
            for (int k = 0; k < Kills; k++)
            {
                var log = new TestSegment("log" + k);
                logs.Add(log);
                int hit = random.Next(1, 60);
                var environment = new Dictionary<string, string> { [FaultPoint.EnvironmentVariable] = $"{faultPoint}:{hit}:kill" };
                using Worker consumer = Worker.Start(environment, "consume", segment.Name, log.Path, "1000000", batch.ToString(CultureInfo.InvariantCulture));
                Assert.Equal(Worker.KilledExitCode, consumer.WaitForExit());
            }
            stop.Cancel();
            Assert.True(producer.Join(TimeSpan.FromMinutes(2)), "the producer is wedged");
            Assert.Null(producerFailure);

            var received = new List<long>();
            foreach (TestSegment log in logs)
                received.AddRange(TestWorker.ItemLog.Read(log.Path));
            received.AddRange(queue.Drain()); // the survivor takes what is left: the queue still works
            // Two more laps, so every slot a dead consumer held has been reached (and repaired) by a producer.
            for (int i = 0; i < 2 * queue.Capacity; i++)
            {
                queue.Enqueue(-2, TimeSpan.FromMinutes(1));
                Assert.Equal(-2, queue.Dequeue(TimeSpan.FromMinutes(1)));
            }
            Assert.Equal(received.Count, received.Distinct().Count());
            Assert.All(received, item => Assert.InRange(item, 0, produced - 1));
            long lost = produced - received.Count;
            if (batch == 1)
                Assert.Equal(Kills, lost);
            else
                Assert.InRange(lost, Kills, Kills * (long)batch);
            Assert.Equal(lost, queue.GetStats().Recoveries);
            Assert.True(queue.TryEnqueue(7));
            Assert.Equal(7, queue.Dequeue(TimeSpan.Zero));
        }
        finally
        {
            stop.Cancel();
            producer.Join(TimeSpan.FromMinutes(1));
            logs.ForEach(l => l.Dispose());
        }
    }

    [Fact]
    public void A_tombstone_a_lap_behind_the_tail_reads_as_full_until_its_consumer_drops_it()
    {
        using var segment = new TestSegment();
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 4);
        var environment = new Dictionary<string, string> { [FaultPoint.EnvironmentVariable] = $"{FaultPoints.QueuePushClaimed}:1:kill" };
        using (Worker producer = Worker.Start(environment, "produce", segment.Name, "1", "10", "1"))
            Assert.Equal(Worker.KilledExitCode, producer.WaitForExit());
        // Repair the dead claim at position 0 into a tombstone without consuming it.
        TestWait.Until(() =>
        {
            queue.ReapDeadParticipants(force: true);
            return queue.GetStats().Recoveries == 1;
        }, "the dead claim was never repaired");

        for (long s = 1; s <= 3; s++)
            Assert.True(queue.TryEnqueue(s));
        // Position 4 shares the tombstone's slot, which its consumer has not dropped yet: full (this used to read
        // as "overtaken" and spin until the queue was reported corrupt).
        Assert.False(queue.TryEnqueue(99));
        Assert.Equal(0, queue.EnqueueMany([99L]));

        Assert.True(queue.TryDequeue(out long first));
        Assert.Equal(1, first);
        Assert.Equal(2, queue.EnqueueMany([4L, 5L]));
        Assert.False(queue.TryEnqueue(99));
        var rest = new List<long>();
        while (queue.TryDequeue(out long item))
            rest.Add(item);
        Assert.Equal([2L, 3L, 4L, 5L], rest);
    }

    [Fact]
    public void A_stopped_producer_is_not_treated_as_dead_and_its_late_commit_is_delivered_once()
    {
        using var segment = new TestSegment();
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 16);
        var received = new List<long>();
        Exception? consumerFailure = null;
        var consumer = new Thread(() =>
        {
            try
            {
                while (true)
                {
                    long item = queue.Dequeue(TimeSpan.FromMinutes(1));
                    if (item == -1)
                        return;
                    lock (received)
                        received.Add(item);
                }
            }
            catch (Exception e)
            {
                consumerFailure = e;
            }
        });
        consumer.Start();

        var environment = new Dictionary<string, string> { [FaultPoint.EnvironmentVariable] = $"{FaultPoints.QueuePushClaimed}:50:stop" };
        using Worker producer = Worker.Start(environment, "produce", segment.Name, "1", "100", "1");
        TestWait.Until(() => ProcessIdentity.StateOf(producer.Pid) == 'T', "the producer never stopped");
        for (long s = 0; s < 10; s++)
            queue.Enqueue((2L << 32) | s, TimeSpan.FromMinutes(1));

        Thread.Sleep(TimeSpan.FromSeconds(2)); // the stop itself: survivors must ride it out, not repair it
        Assert.Equal(0, queue.GetStats().Recoveries);
        lock (received)
            Assert.Equal(Enumerable.Range(0, 49).Select(i => (1L << 32) | (long)i), received);

        Assert.Equal(0, Interop.Libc.Kill(producer.Pid, Interop.Libc.SIGCONT));
        producer.WaitForSuccess();
        queue.Enqueue(-1, TimeSpan.FromMinutes(1));
        Assert.True(consumer.Join(TimeSpan.FromMinutes(1)));
        Assert.Null(consumerFailure);

        var expected = Enumerable.Range(0, 100).Select(i => (1L << 32) | (long)i)
            .Concat(Enumerable.Range(0, 10).Select(i => (2L << 32) | (long)i));
        Assert.Equal(expected.Order(), received.Order());
        Assert.Equal(0, queue.GetStats().Recoveries);
    }
}
