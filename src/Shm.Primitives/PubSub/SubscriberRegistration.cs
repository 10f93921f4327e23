using Shm.Primitives.Threading;

namespace Shm.Primitives.PubSub;

/// <summary>
/// A Backpressure-mode subscriber's record in its ring's <see cref="SubscriberTable"/>: publishes the subscriber's
/// cursor to publishers (waking any that wait for room) and frees the record on dispose. Both subscriber kinds use it.
/// </summary>
internal sealed unsafe class SubscriberRegistration : IDisposable
{
    private readonly SleepCoordinator _sleepers;
    private byte* _record;

    private SubscriberRegistration(byte* record, SleepCoordinator sleepers)
    {
        _record = record;
        _sleepers = sleepers;
    }

    /// <summary>
    /// Where a new subscriber starts: registered in the table in Backpressure mode (so publishers wait for it from
    /// that position on), merely positioned in Overwrite mode (registration is then null).
    /// </summary>
    public static SubscriberRegistration? Start(ShmPubSubMode mode, SubscriberTable table, SleepCoordinator sleepers, Func<long> start, string segment, out long cursor)
    {
        if (mode != ShmPubSubMode.Backpressure)
        {
            cursor = start();
            return null;
        }
        byte* record = table.Register(start, segment);
        cursor = SubscriberTable.CursorOf(record);
        return new SubscriberRegistration(record, sleepers);
    }

    /// <summary>Tells publishers how far the subscriber has read.</summary>
    public void Publish(long cursor)
    {
        if (_record is null)
            return;
        SubscriberTable.Publish(_record, cursor);
        _sleepers.WakeAfterChange(consumers: false, int.MaxValue);
    }

    /// <summary>Unregisters, so publishers stop waiting for this subscriber.</summary>
    public void Dispose()
    {
        if (_record is null)
            return;
        SubscriberTable.Unregister(_record);
        _record = null;
        _sleepers.WakeAll(consumers: false, producers: true);
    }
}
