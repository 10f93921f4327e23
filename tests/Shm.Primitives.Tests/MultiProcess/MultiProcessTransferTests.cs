using System.Globalization;

namespace Shm.Primitives.Tests.MultiProcess;

public class MultiProcessTransferTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(32)]
    public void Eight_producers_and_eight_consumers_move_a_million_items_exactly_once(int batch)
    {
        const int producers = 8, consumers = 8;
        long perProducer = TestSize.Get("SHM_MPMC_ITEMS", 1_000_000) / producers;
        using var segment = new TestSegment();
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 64);
        var logs = Enumerable.Range(0, consumers).Select(i => new TestSegment("log" + i)).ToList();
        var workers = new List<Worker>();
        try
        {
            for (int c = 0; c < consumers; c++)
                workers.Add(Worker.Start("consume", segment.Name, logs[c].Path, (perProducer * producers).ToString(CultureInfo.InvariantCulture), batch.ToString(CultureInfo.InvariantCulture)));
            for (int p = 0; p < producers; p++)
                workers.Add(Worker.Start("produce", segment.Name, p.ToString(CultureInfo.InvariantCulture), perProducer.ToString(CultureInfo.InvariantCulture), batch.ToString(CultureInfo.InvariantCulture)));
            foreach (Worker w in workers)
                Assert.Equal("ready", w.ReadLine());
            foreach (Worker w in workers.Skip(consumers))
                w.WaitForSuccess();
            for (int c = 0; c < consumers; c++)
                queue.Enqueue(-1, TimeSpan.FromMinutes(1));
            foreach (Worker w in workers.Take(consumers))
                w.WaitForSuccess();

            var seen = new HashSet<long>();
            foreach (TestSegment log in logs)
            {
                var lastByProducer = new Dictionary<long, long>();
                foreach (long item in TestWorker.ItemLog.Read(log.Path))
                {
                    Assert.True(seen.Add(item), $"item {item:X} delivered twice");
                    long producer = item >> 32, sequence = item & 0xFFFFFFFF;
                    if (lastByProducer.TryGetValue(producer, out long previous))
                        Assert.True(sequence > previous, $"producer {producer}: {sequence} after {previous}");
                    lastByProducer[producer] = sequence;
                }
            }
            Assert.Equal(producers * perProducer, seen.Count);
            for (long p = 0; p < producers; p++)
            {
                for (long s = 0; s < perProducer; s++)
                    Assert.Contains((p << 32) | s, seen);
            }
            Assert.Equal(0, queue.Count);
        }
        finally
        {
            workers.ForEach(w => w.Dispose());
            logs.ForEach(l => l.Dispose());
        }
    }
}
