using Shm.Primitives;
using L = Shm.Primitives.PubSub.ShmBytePubSubLayout;

namespace Shm.Chaos.Scenarios;

/// <summary>ShmBytePubSub in backpressure mode: survivors are one publisher and one subscriber thread; victims publish.</summary>
public sealed unsafe class BytePubSubScenario : Scenario
{
    public const int Capacity = 64;
    private readonly ShmBytePubSub _ring;
    private readonly ShmByteSubscriber _subscriber;

    public BytePubSubScenario(string segmentName) : base(segmentName)
    {
        _ring = ShmBytePubSub.CreateNew(segmentName, Capacity, ChaosMessage.MaxLength, ShmPubSubMode.Backpressure);
        _subscriber = _ring.Subscribe();
    }

    public override string Primitive => "ShmBytePubSub";

    public override string Prefix => "bytepubsub";

    public override void StartSurvivors() => Survivors.Start(("bytepubsub-publisher", Publish), ("bytepubsub-subscriber", Poll));

    private void Publish()
    {
        long id = NextId();
        if (_ring.TryPublish(ChaosMessage.Create(id), SurvivorTimeout))
            Ledger.Put(id);
    }

    private void Poll()
    {
        if (_subscriber.TryPoll(out byte[] message, SurvivorTimeout))
            Ledger.Got(ChaosMessage.IdOf(message), ChaosMessage.IsIntact(message));
    }

    /// <summary>Publishes (taking the lock a dead holder left) and reads until that message arrives.</summary>
    public override void Probe(DateTime deadline)
    {
        long marker = NextId();
        // Survivors may have left the ring full for the subscriber: read while publishing (backpressure).
        while (!_ring.TryPublish(ChaosMessage.Create(marker), Step(deadline)))
            PollOne(-1, Step(deadline));
        Ledger.Put(marker);
        while (!PollOne(marker, Step(deadline)))
        {
        }
    }

    private bool PollOne(long marker, TimeSpan timeout)
    {
        if (!_subscriber.TryPoll(out byte[] message, timeout))
            return false;
        Ledger.Got(ChaosMessage.IdOf(message), ChaosMessage.IsIntact(message));
        return ChaosMessage.IdOf(message) == marker;
    }

    /// <summary>Every slot of the last lap below the write position is committed for its position; none is from the future.</summary>
    public override void CheckConsistency()
    {
        long write = Volatile.Read(ref *_ring.WritePositionPointer);
        if (_subscriber.OverflowCount != 0)
            throw new ShmCorruptedException($"a backpressure subscriber was lapped {_subscriber.OverflowCount} times");
        for (long position = Math.Max(0, write - Capacity); position < write; position++)
        {
            long sequence = Volatile.Read(ref *(long*)_ring.SlotAt(position));
            if (sequence != 2 * position + 2)
                throw new ShmCorruptedException($"ShmBytePubSub slot of position {position} below the write position {write} has sequence {sequence}; expected {2 * position + 2}");
            int length = *(int*)(_ring.SlotAt(position) + L.LengthOffset);
            if (length < 0 || length > _ring.MaxMessageBytes)
                throw new ShmCorruptedException($"ShmBytePubSub slot of position {position} has length {length}; expected 0..{_ring.MaxMessageBytes}");
        }
    }

    public override void Drain()
    {
        while (_subscriber.TryPoll(out byte[] message, TimeSpan.FromMilliseconds(100)))
            Ledger.Got(ChaosMessage.IdOf(message), ChaosMessage.IsIntact(message));
    }

    public override void Dispose()
    {
        Survivors.Dispose();
        _subscriber.Dispose();
        _ring.Unlink();
        _ring.Dispose();
    }
}
