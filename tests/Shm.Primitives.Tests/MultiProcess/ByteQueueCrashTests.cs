using System.Globalization;
using Shm.Primitives.Diagnostics;
using Shm.TestWorker;

namespace Shm.Primitives.Tests.MultiProcess;

/// <summary>
/// kill -9 of a ShmByteQueue lock holder at every fault point of its critical sections (SHM_KILLS per point,
/// default 20). The next locker must repair at once: the interrupted operation rolled back (staged) or completed
/// (committed, applying), nothing torn or duplicated, Verify clean, the queue usable.
/// </summary>
public class ByteQueueCrashTests
{
    private static readonly int Kills = (int)TestSize.Get("SHM_KILLS", 20);

    public static TheoryData<string, string> PushPoints()
    {
        var data = new TheoryData<string, string>();
        foreach (string step in new[] { "staged", "committed", "applying" })
        {
            data.Add($"bytequeue.push.{step}", "back");
            data.Add($"bytequeue.pushfront.{step}", "front");
            data.Add($"bytequeue.pushmany.{step}", "4");
        }
        return data;
    }

    public static TheoryData<string, string> PopPoints()
    {
        var data = new TheoryData<string, string>();
        foreach (string step in new[] { "staged", "committed", "applying" })
        {
            data.Add($"bytequeue.pop.{step}", "front");
            data.Add($"bytequeue.popback.{step}", "back");
            data.Add($"bytequeue.popmany.{step}", "4");
        }
        return data;
    }

    [Fact]
    public void Every_byte_queue_fault_point_is_covered_here()
    {
        var covered = PushPoints().Concat(PopPoints()).Select(row => (string)row[0]).ToHashSet();
        Assert.Equal(FaultPoints.All.Where(p => p.StartsWith("bytequeue.", StringComparison.Ordinal)).Order(), covered.Order());
    }

    [Theory]
    [MemberData(nameof(PushPoints))]
    public void A_producer_killed_holding_the_lock_is_repaired_by_the_next_locker(string faultPoint, string mode)
    {
        using var segment = new TestSegment();
        using var queue = ShmByteQueue.CreateNew(segment.Name, 16, arenaBytes: 16384);
        var received = new List<byte[]>();
        var consumer = new Thread(() =>
        {
            while (true)
            {
                byte[] message = queue.Dequeue(TimeSpan.FromMinutes(1));
                if (message.AsSpan().SequenceEqual(ByteQueueMessage.Sentinel))
                    return;
                received.Add(message);
            }
        });
        consumer.Start();
        var random = new Random(faultPoint.GetHashCode(StringComparison.Ordinal));
        var hits = new int[Kills];
        for (int k = 0; k < Kills; k++)
        {
            hits[k] = random.Next(1, 30);
            var environment = new Dictionary<string, string> { [FaultPoint.EnvironmentVariable] = $"{faultPoint}:{hits[k]}:kill" };
            using Worker producer = Worker.Start(environment, "bq-produce", segment.Name, k.ToString(CultureInfo.InvariantCulture), "1000", mode);
            Assert.Equal(Worker.KilledExitCode, producer.WaitForExit());
            queue.Enqueue(ByteQueueMessage.Create(100, k), TimeSpan.FromSeconds(30)); // the next operation succeeds
            queue.Verify();
        }
        queue.Enqueue(ByteQueueMessage.Sentinel, TimeSpan.FromMinutes(1));
        Assert.True(consumer.Join(TimeSpan.FromMinutes(2)), "the consumer is wedged");

        Assert.All(received, m => Assert.True(ByteQueueMessage.IsIntact(m), "torn message"));
        var identities = received.Select(m => ByteQueueMessage.IdentityOf(m)).Where(i => i >= 0).ToList();
        Assert.Equal(identities.Count, identities.Distinct().Count());
        Assert.Equal(Kills, identities.Count(i => i >> 32 == 100));
        bool completedByRedo = !faultPoint.EndsWith(".staged", StringComparison.Ordinal);
        for (int k = 0; k < Kills; k++)
        {
            // What the producer had pushed: its first hits-1 operations, plus the interrupted one if it was committed.
            // Messages under 4 bytes carry no identity and are left out of this count (the torn check covers them).
            var mine = identities.Where(i => i >> 32 == k).Select(i => (int)(i & 0xFFFFFFFF)).Order().ToList();
            var identifiable = Enumerable.Range(0, 1000).Where(s => ByteQueueMessage.Create(k, s).Length >= 4).ToList();
            if (mode is "back" or "front")
            {
                int operations = hits[k] - 1 + (completedByRedo ? 1 : 0);
                Assert.Equal(identifiable.Where(s => s < operations), mine);
            }
            else
            {
                // Batches of 4; a lock hold may take part of a batch when the queue is nearly full. Always a prefix.
                Assert.Equal(identifiable.Take(mine.Count), mine);
                Assert.True(mine.Count == 0 || mine[^1] < 4 * hits[k], $"producer {k} pushed beyond its fatal hold");
            }
        }
        Assert.Equal(Kills, queue.GetStats().Recoveries);
        queue.Verify();
    }

    [Theory]
    [MemberData(nameof(PopPoints))]
    public void A_consumer_killed_holding_the_lock_loses_at_most_what_it_was_taking(string faultPoint, string mode)
    {
        using var segment = new TestSegment();
        using var queue = ShmByteQueue.CreateNew(segment.Name, 16, arenaBytes: 16384);
        int produced = 0;
        bool stop = false;
        var producer = new Thread(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                if (queue.TryEnqueue(ByteQueueMessage.Create(1, produced), TimeSpan.FromMilliseconds(20)))
                    Volatile.Write(ref produced, produced + 1);
            }
        });
        producer.Start();
        var logs = new List<TestSegment>();
        try
        {
            var random = new Random(faultPoint.GetHashCode(StringComparison.Ordinal));
            for (int k = 0; k < Kills; k++)
            {
                var log = new TestSegment("log" + k);
                logs.Add(log);
                var environment = new Dictionary<string, string> { [FaultPoint.EnvironmentVariable] = $"{faultPoint}:{random.Next(1, 30)}:kill" };
                using Worker consumer = Worker.Start(environment, "bq-consume", segment.Name, log.Path, "100000", mode);
                Assert.Equal(Worker.KilledExitCode, consumer.WaitForExit());
                queue.Verify();
            }
            Volatile.Write(ref stop, true);
            Assert.True(producer.Join(TimeSpan.FromMinutes(1)), "the producer is wedged");

            var hashes = new List<long>();
            foreach (TestSegment log in logs)
            {
                long[] entries = ItemLog.Read(log.Path);
                for (int i = 1; i < entries.Length; i += 2)
                    hashes.Add(entries[i]);
            }
            hashes.AddRange(queue.DequeueMany(int.MaxValue).Select(m => ByteQueueMessage.Hash(m)));
            var sent = Enumerable.Range(0, produced).Select(s => ByteQueueMessage.Hash(ByteQueueMessage.Create(1, s))).ToList();
            var remaining = sent.GroupBy(h => h).ToDictionary(g => g.Key, g => g.Count());
            foreach (long hash in hashes)
            {
                Assert.True(remaining.TryGetValue(hash, out int left) && left > 0, "a message was delivered twice or never sent");
                remaining[hash] = left - 1;
            }
            long lost = remaining.Values.Sum();
            bool completedByRedo = !faultPoint.EndsWith(".staged", StringComparison.Ordinal);
            if (!completedByRedo)
                Assert.Equal(0, lost); // rolled back: the message stays in the queue
            else if (mode is "front" or "back")
                Assert.Equal(Kills, lost); // completed: the dead consumer's message is gone with it
            else
                Assert.InRange(lost, Kills, 4L * Kills);
            Assert.Equal(Kills, queue.GetStats().Recoveries);
            queue.Verify();
        }
        finally
        {
            Volatile.Write(ref stop, true);
            producer.Join(TimeSpan.FromMinutes(1));
            logs.ForEach(l => l.Dispose());
        }
    }

    [Fact]
    public void A_stopped_lock_holder_keeps_the_lock()
    {
        using var segment = new TestSegment();
        using var queue = ShmByteQueue.CreateNew(segment.Name, 16, arenaBytes: 65536); // room for all 10 messages
        var environment = new Dictionary<string, string> { [FaultPoint.EnvironmentVariable] = "bytequeue.push.staged:5:stop" };
        using Worker producer = Worker.Start(environment, "bq-produce", segment.Name, "2", "10", "back");
        TestWait.Until(() => ProcessIdentity.StateOf(producer.Pid) == 'T', "the producer never stopped");
        Assert.False(queue.TryEnqueue("blocked"u8, TimeSpan.FromMilliseconds(200))); // the lock is held, not stolen
        Assert.False(queue.TryDequeue(out byte[] _, TimeSpan.FromMilliseconds(200)));
        Assert.Equal(0, queue.GetStats().Recoveries);

        Assert.Equal(0, Interop.Libc.Kill(producer.Pid, Interop.Libc.SIGCONT));
        producer.WaitForSuccess();
        var got = new List<byte[]>();
        while (queue.TryDequeue(out byte[] message))
            got.Add(message);
        Assert.Equal(Enumerable.Range(0, 10).Select(s => ByteQueueMessage.Create(2, s)), got);
        Assert.Equal(0, queue.GetStats().Recoveries);
        queue.Verify();
    }
}
