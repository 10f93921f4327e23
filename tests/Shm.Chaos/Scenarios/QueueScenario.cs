using Shm.Primitives;

namespace Shm.Chaos.Scenarios;

/// <summary>ShmQueue&lt;ChaosItem&gt;: survivors are one producer and one consumer thread; victims push, pop or both.</summary>
public sealed class QueueScenario : Scenario
{
    public const int Capacity = 64;
    private readonly ShmQueue<ChaosItem> _queue;

    public QueueScenario(string segmentName) : base(segmentName) =>
        _queue = ShmQueue<ChaosItem>.CreateNew(segmentName, Capacity);

    public override string Primitive => "ShmQueue<T>";

    public override string Prefix => "queue";

    public override void StartSurvivors() => Survivors.Start(("queue-producer", Produce), ("queue-consumer", Consume));

    private void Produce()
    {
        var item = new ChaosItem(NextId());
        if (_queue.TryEnqueue(item, SurvivorTimeout))
            Ledger.Put(item.Id);
    }

    private void Consume()
    {
        if (_queue.TryDequeue(out ChaosItem item, SurvivorTimeout))
            Ledger.Got(item.Id, item.IsIntact);
    }

    /// <summary>
    /// A full lap of pushes after the death, each followed by a pop, then pops until the last pushed item comes out:
    /// the lap covers a slot a dead consumer held, and the last item lies behind any slot a dead producer held.
    /// </summary>
    public override void Probe(DateTime deadline)
    {
        long marker = -1;
        for (int i = 0; i <= Capacity; i++)
        {
            var item = new ChaosItem(NextId());
            // Survivors may have left the queue full: make room while pushing (the queue is ours alone now).
            while (!_queue.TryEnqueue(item, Step(deadline)))
                TakeOne(ref marker, Step(deadline));
            Ledger.Put(item.Id);
            marker = item.Id;
            TakeOne(ref marker, TimeSpan.Zero);
        }
        while (marker != -1)
            TakeOne(ref marker, Step(deadline));
    }

    private void TakeOne(ref long marker, TimeSpan timeout)
    {
        if (!_queue.TryDequeue(out ChaosItem taken, timeout))
            return;
        Ledger.Got(taken.Id, taken.IsIntact);
        if (taken.Id == marker)
            marker = -1;
    }

    public override void CheckConsistency() => _queue.VerifyQuiescent();

    public override void Drain()
    {
        while (_queue.TryDequeue(out ChaosItem item, TimeSpan.FromMilliseconds(100)))
            Ledger.Got(item.Id, item.IsIntact);
    }

    public override void Dispose()
    {
        Survivors.Dispose();
        _queue.Unlink();
        _queue.Dispose();
    }
}
