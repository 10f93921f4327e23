using System.Globalization;
using Shm.TestWorker;

namespace Shm.Primitives.Tests.MultiProcess;

public class ByteQueueTransferTests
{
    [Theory]
    [InlineData("back", "front")]
    [InlineData("16", "16")]
    public void Four_producers_and_four_consumers_move_every_message_intact_exactly_once(string produceMode, string consumeMode)
    {
        const int producers = 4, consumers = 4;
        int perProducer = (int)TestSize.Get("SHM_BYTEQUEUE_MESSAGES", 200_000) / producers;
        using var segment = new TestSegment();
        using var queue = ShmByteQueue.CreateNew(segment.Name, 64);
        var logs = Enumerable.Range(0, consumers).Select(i => new TestSegment("log" + i)).ToList();
        var workers = new List<Worker>();
        try
        {
            string logCapacity = (2L * perProducer * producers).ToString(CultureInfo.InvariantCulture);
            for (int c = 0; c < consumers; c++)
                workers.Add(Worker.Start("bq-consume", segment.Name, logs[c].Path, logCapacity, consumeMode));
            for (int p = 0; p < producers; p++)
                workers.Add(Worker.Start("bq-produce", segment.Name, p.ToString(CultureInfo.InvariantCulture), perProducer.ToString(CultureInfo.InvariantCulture), produceMode));
            foreach (Worker w in workers)
                Assert.Equal("ready", w.ReadLine());
            foreach (Worker w in workers.Skip(consumers))
                w.WaitForSuccess();
            for (int c = 0; c < consumers; c++)
                queue.Enqueue(ByteQueueMessage.Sentinel, TimeSpan.FromMinutes(1));
            foreach (Worker w in workers.Take(consumers))
                w.WaitForSuccess(); // exit code 3 would mean a torn message

            var expected = new Dictionary<long, int>();
            for (int p = 0; p < producers; p++)
            {
                for (int s = 0; s < perProducer; s++)
                {
                    long hash = ByteQueueMessage.Hash(ByteQueueMessage.Create(p, s));
                    expected[hash] = expected.GetValueOrDefault(hash) + 1;
                }
            }
            var identities = new HashSet<long>();
            foreach (TestSegment log in logs)
            {
                long[] entries = ItemLog.Read(log.Path);
                var lastByProducer = new Dictionary<long, long>();
                for (int i = 0; i < entries.Length; i += 2)
                {
                    long identity = entries[i], hash = entries[i + 1];
                    Assert.True(expected.TryGetValue(hash, out int left) && left > 0, "a message arrived that was never sent, or twice");
                    expected[hash] = left - 1;
                    if (identity < 0)
                        continue;
                    Assert.True(identities.Add(identity), $"message {identity:X} delivered twice");
                    long producer = identity >> 32, sequence = identity & 0xFFFFFFFF;
                    if (lastByProducer.TryGetValue(producer, out long previous))
                        Assert.True(sequence > previous, $"producer {producer}: {sequence} after {previous}");
                    lastByProducer[producer] = sequence;
                }
            }
            Assert.All(expected.Values, left => Assert.Equal(0, left));
            Assert.Equal(0, queue.Count);
            queue.Verify();
        }
        finally
        {
            workers.ForEach(w => w.Dispose());
            logs.ForEach(l => l.Dispose());
        }
    }
}
