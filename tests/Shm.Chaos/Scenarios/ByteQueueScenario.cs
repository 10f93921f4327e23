using Shm.Primitives;

namespace Shm.Chaos.Scenarios;

/// <summary>ShmByteQueue: survivors are one producer and one consumer thread; victims run the named operation.</summary>
public sealed class ByteQueueScenario : Scenario
{
    public const int Capacity = 64;
    private readonly ShmByteQueue _queue;

    public ByteQueueScenario(string segmentName) : base(segmentName) =>
        _queue = ShmByteQueue.CreateNew(segmentName, Capacity, arenaBytes: 16 * 1024);

    public override string Primitive => "ShmByteQueue";

    public override string Prefix => "bytequeue";

    public override void StartSurvivors() => Survivors.Start(("bytequeue-producer", Produce), ("bytequeue-consumer", Consume));

    private void Produce()
    {
        long id = NextId();
        if (_queue.TryEnqueue(ChaosMessage.Create(id), SurvivorTimeout))
            Ledger.Put(id);
    }

    private void Consume()
    {
        if (_queue.TryDequeue(out byte[] message, SurvivorTimeout))
            Ledger.Got(ChaosMessage.IdOf(message), ChaosMessage.IsIntact(message));
    }

    /// <summary>A push and pops until it comes out: each needs the lock a dead holder left, the pops read what its recovery restored.</summary>
    public override void Probe(DateTime deadline)
    {
        long id = NextId();
        // Survivors may have left the queue full: make room while pushing (the queue is ours alone now).
        while (!_queue.TryEnqueue(ChaosMessage.Create(id), Step(deadline)))
        {
            if (_queue.TryDequeue(out byte[] taken, Step(deadline)))
                Ledger.Got(ChaosMessage.IdOf(taken), ChaosMessage.IsIntact(taken));
        }
        Ledger.Put(id);
        while (true)
        {
            if (!_queue.TryDequeue(out byte[] message, Step(deadline)))
                continue;
            Ledger.Got(ChaosMessage.IdOf(message), ChaosMessage.IsIntact(message));
            if (ChaosMessage.IdOf(message) == id)
                return;
        }
    }

    public override void CheckConsistency() => _queue.Verify();

    public override void Drain()
    {
        while (_queue.TryDequeue(out byte[] message, TimeSpan.FromMilliseconds(100)))
            Ledger.Got(ChaosMessage.IdOf(message), ChaosMessage.IsIntact(message));
    }

    public override void Dispose()
    {
        Survivors.Dispose();
        _queue.Unlink();
        _queue.Dispose();
    }
}
