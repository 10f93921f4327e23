namespace Shm.Primitives.Tests.Queue;

public class QueueMpmcTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    public void Threads_move_every_item_exactly_once_in_per_producer_order(int batch)
    {
        using var segment = new TestSegment();
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 64);
        const int producers = 4, consumers = 4, perProducer = 200_000;
        var received = new List<long>[consumers];
        var threads = new List<Thread>();
        for (int p = 0; p < producers; p++)
        {
            int id = p;
            threads.Add(new Thread(() =>
            {
                for (long i = 0; i < perProducer; i++)
                    queue.Enqueue(((long)id << 32) | i, TimeSpan.FromSeconds(30));
            }));
        }
        long remaining = producers * (long)perProducer;
        for (int c = 0; c < consumers; c++)
        {
            int id = c;
            received[id] = new List<long>();
            threads.Add(new Thread(() =>
            {
                var buffer = new long[batch];
                while (Interlocked.Read(ref remaining) > 0)
                {
                    int n = batch == 1
                        ? (queue.TryDequeue(out buffer[0], TimeSpan.FromMilliseconds(50)) ? 1 : 0)
                        : queue.DequeueMany(buffer, TimeSpan.FromMilliseconds(50));
                    for (int k = 0; k < n; k++)
                        received[id].Add(buffer[k]);
                    Interlocked.Add(ref remaining, -n);
                }
            }));
        }
        threads.ForEach(t => t.Start());
        Assert.All(threads, t => Assert.True(t.Join(TimeSpan.FromMinutes(2))));

        var last = new long[producers];
        Array.Fill(last, -1);
        foreach (List<long> list in received)
        {
            var lastSeenHere = new long[producers];
            Array.Fill(lastSeenHere, -1);
            foreach (long item in list)
            {
                int producer = (int)(item >> 32);
                long sequence = item & 0xFFFFFFFF;
                Assert.True(sequence > lastSeenHere[producer], "a consumer saw one producer's items out of order");
                lastSeenHere[producer] = sequence;
            }
        }
        var all = received.SelectMany(l => l).ToList();
        Assert.Equal(producers * perProducer, all.Count);
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(0, queue.Count);
    }
}
