using Shm.Primitives;
using L = Shm.Primitives.PubSub.ShmPubSubLayout;

namespace Shm.Chaos.Scenarios;

/// <summary>
/// ShmPubSub&lt;ChaosItem&gt; in backpressure mode (so a slow subscriber is never lapped and every missing item is a
/// real loss): survivors are one publisher and one subscriber thread; victims publish.
/// </summary>
public sealed unsafe class PubSubScenario : Scenario
{
    public const int Capacity = 64;
    private readonly ShmPubSub<ChaosItem> _ring;
    private readonly ShmSubscriber<ChaosItem> _subscriber;

    public PubSubScenario(string segmentName) : base(segmentName)
    {
        _ring = ShmPubSub<ChaosItem>.CreateNew(segmentName, Capacity, ShmPubSubMode.Backpressure);
        _subscriber = _ring.Subscribe();
    }

    public override string Primitive => "ShmPubSub<T>";

    public override string Prefix => "pubsub";

    public override void StartSurvivors() => Survivors.Start(("pubsub-publisher", Publish), ("pubsub-subscriber", Poll));

    private void Publish()
    {
        var item = new ChaosItem(NextId());
        if (_ring.TryPublish(item, SurvivorTimeout))
            Ledger.Put(item.Id);
    }

    private void Poll()
    {
        if (_subscriber.TryPoll(out ChaosItem item, SurvivorTimeout))
            Ledger.Got(item.Id, item.IsIntact);
    }

    /// <summary>Publishes an item and reads until it arrives: the reader passes any hole a dead publisher left.</summary>
    public override void Probe(DateTime deadline)
    {
        var marker = new ChaosItem(NextId());
        // Survivors may have left the ring full for the subscriber: read while publishing (backpressure).
        while (!_ring.TryPublish(marker, Step(deadline)))
            PollOne(-1, Step(deadline));
        Ledger.Put(marker.Id);
        while (!PollOne(marker.Id, Step(deadline)))
        {
        }
    }

    private bool PollOne(long marker, TimeSpan timeout)
    {
        if (!_subscriber.TryPoll(out ChaosItem item, timeout))
            return false;
        Ledger.Got(item.Id, item.IsIntact);
        return item.Id == marker;
    }

    /// <summary>
    /// Every slot of the last lap holds its position's value, or is abandoned, or is a hole a dead publisher left;
    /// no slot holds a sequence from the future; the subscriber was never lapped.
    /// </summary>
    public override void CheckConsistency()
    {
        long write = Volatile.Read(ref *_ring.WritePositionPointer);
        if (_subscriber.OverflowCount != 0)
            throw new ShmCorruptedException($"a backpressure subscriber was lapped {_subscriber.OverflowCount} times");
        for (long position = Math.Max(0, write - Capacity); position < write; position++)
        {
            long sequence = Volatile.Read(ref *(long*)_ring.SlotAt(position));
            // Committed or abandoned for its position, or (a hole) still older than its position while no live
            // publisher holds it: a publisher that died between its claim and its write leaves the last lap's value.
            bool ok = sequence == L.Committed(position) || sequence == L.Abandoned(position)
                || (sequence <= L.Writing(position) && sequence >= 0 && !_ring.HasLivePublisher(position));
            if (!ok)
                throw new ShmCorruptedException($"ShmPubSub slot of position {position} has sequence {sequence}; expected {L.Committed(position)}, {L.Abandoned(position)} or a dead publisher's hole below {L.Writing(position) + 1}");
        }
    }

    public override void Drain()
    {
        while (_subscriber.TryPoll(out ChaosItem item, TimeSpan.FromMilliseconds(100)))
            Ledger.Got(item.Id, item.IsIntact);
    }

    public override void Dispose()
    {
        Survivors.Dispose();
        _subscriber.Dispose();
        _ring.Unlink();
        _ring.Dispose();
    }
}
