namespace Shm.Node.Tests;

/// <summary>Per-thread message counters: every add counted once, whichever threads and nodes it comes from.</summary>
public sealed class MessageCountersTests
{
    [Fact]
    public void Threads_counting_at_once_for_two_nodes_lose_nothing_and_mix_nothing()
    {
        var first = new MessageCounters();
        var second = new MessageCounters();
        const int perThread = 50_000;
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            for (int i = 0; i < perThread; i++)
            {
                // Alternating nodes: the one-entry cache misses every time and the weak table answers.
                first.Sent(3);
                second.Received(5);
                if (t == 0)
                    first.Received(7);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Equal((4L * perThread, 12L * perThread, perThread, 7L * perThread), first.Sum());
        Assert.Equal((0L, 0L, 4L * perThread, 20L * perThread), second.Sum());
    }

    [Fact]
    public void What_a_thread_counted_stays_counted_after_the_thread_ends()
    {
        var counters = new MessageCounters();
        var thread = new Thread(() => counters.Sent(100));
        thread.Start();
        thread.Join();
        counters.Sent(1);
        Assert.Equal((2L, 101L, 0L, 0L), counters.Sum());
    }
}
