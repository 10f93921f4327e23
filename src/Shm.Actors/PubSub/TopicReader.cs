using Akka.Actor;
using Akka.Event;
using Shm.Primitives;
using Shm.Primitives.Threading;
using Shm.Node;
using Shm.Transport.Remote;

namespace Shm.Actors.PubSub;

/// <summary>
/// This node's one reader of a topic, alive while the node has subscribers of it: takes each event from the ring once,
/// decodes it once and tells it to every local subscriber with the publisher as sender (or hands it to a delivery of
/// its own: the shared event stream publishes it locally). A gap (the ring lapped this node) reaches each subscriber
/// as <see cref="TopicEventsLost"/> at the point of the stream where it happened. A thread of its own holding a reader
/// lease: with <see cref="ShmReaderExecutorConfigurator"/> quick subscribers' turns run on it, and a turn that blocks
/// it is taken over by a new thread.
/// </summary>
/// <remarks>
/// The cursor is placed at the ring's end when the reader is made, before the mediator acknowledges the Subscribe:
/// every event published after a SubscribeAck is delivered. The subscriber list is replaced whole and read after each
/// event is taken, so an event published after an UnsubscribeAck never reaches that subscriber.
/// </remarks>
internal sealed class TopicReader : IDisposable
{
    private const int PressureCheckEvery = 64; // events between looks at the subscribers' mailboxes (a count is not free)
    // Naps while the ring is empty before sleeping on its futex: at a high rate the next events come within a nap, and
    // a napping reader costs publishers nothing (a futex sleeper costs each publish a wake-up call).
    private static readonly long s_napBudgetTicks = System.Diagnostics.Stopwatch.Frequency / 1000;
    private static readonly TimeSpan s_wakeInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_pressureRecheck = TimeSpan.FromMilliseconds(1);

    private readonly ShmPubSub _owner;
    private readonly TopicRing _ring;
    private readonly ShmByteSubscriber _cursor;
    private readonly DirectInbound _inbound; // this reader's thread only
    private readonly Action<object, IActorRef>? _deliver;
    private readonly CancellationTokenSource _stop = new();
    private readonly WatchedReader _thread;
    private IActorRef[] _subscribers;

    /// <param name="owner">The node's pub/sub.</param>
    /// <param name="ring">The topic's ring.</param>
    /// <param name="subscribers">The local subscribers to tell each event.</param>
    /// <param name="deliver">Instead of telling subscribers, what to do with each event (the shared event stream).</param>
    public TopicReader(ShmPubSub owner, TopicRing ring, IActorRef[] subscribers, Action<object, IActorRef>? deliver = null)
    {
        _owner = owner;
        _ring = ring;
        _subscribers = subscribers;
        _deliver = deliver;
        _cursor = ring.Subscribe();
        _inbound = new DirectInbound(owner.System, owner.System.Provider.DefaultAddress);
        _thread = new WatchedReader($"Shm topic {ring.Topic}", Run, () => owner.ReportStalled(ring.Topic));
    }

    /// <summary>Replaces the subscribers (the mediator's thread); events taken from now on go to the new list only.</summary>
    public void SetSubscribers(IActorRef[] subscribers) => Volatile.Write(ref _subscribers, subscribers);

    /// <summary>Stops the reader; its cursor (and a backpressure registration) is released as it ends.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _thread.Dispose();
    }

    private void Run(ReaderLease lease)
    {
        lease.Hold();
        byte[] buffer = new byte[_ring.MaxEventBytes];
        CancellationToken stop = _stop.Token;
        int sinceCheck = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (++sinceCheck >= PressureCheckEvery)
                {
                    if (IsAnySubscriberFull())
                    {
                        stop.WaitHandle.WaitOne(s_pressureRecheck); // the ring holds what this node has not read
                        continue;
                    }
                    sinceCheck = 0;
                }
                if (_cursor.TryPoll(buffer, out int length, out long lost))
                {
                    // The events already in the ring form a batch: the subscribers' turns run once it is told (see ReaderLease).
                    lease.BeginBatch();
                    int taken = 1;
                    do
                    {
                        if (lost != 0)
                            ReportLoss(lost);
                        Dispatch(buffer.AsSpan(0, length));
                    }
                    while (taken++ < PressureCheckEvery && _cursor.TryPoll(buffer, out length, out lost));
                    lease.EndBatch();
                    sinceCheck = PressureCheckEvery; // look at the subscribers' mailboxes before the next batch
                    if (lease.IsRevoked)
                        return; // a turn blocked this thread and another reads now: nothing here may be touched again
                    continue;
                }
                if (AwaitPublished(_cursor))
                    continue;
                long lossBefore = _cursor.OverflowCount + _cursor.SkippedCount;
                if (!_cursor.TryPoll(out byte[] message, s_wakeInterval, stop))
                    continue;
                long lostWaiting = _cursor.OverflowCount + _cursor.SkippedCount - lossBefore;
                if (lostWaiting != 0)
                    ReportLoss(lostWaiting);
                Dispatch(message);
                if (lease.IsRevoked)
                    return;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception error) when (!lease.IsRevoked)
        {
            _owner.System.Log.Error(error, "The reader of shm topic '{0}' stopped: {1}; its subscribers here get nothing more until they subscribe again.",
                _ring.Topic, error.Message);
        }
        finally
        {
            if (!lease.IsRevoked)
                _cursor.Dispose();
        }
    }

    /// <summary>
    /// Waits for the next event without a system call per probe and without holding the core: a few spinning probes of
    /// the ring's write position (shared memory), then naps (see <see cref="Nap"/>); true once it moved, false after
    /// a millisecond (the caller then sleeps on the ring's futex, and publishers wake it).
    /// </summary>
    internal static bool AwaitPublished(ShmByteSubscriber cursor)
    {
        var published = new Published(cursor);
        return Nap.Until(ref published, s_napBudgetTicks);
    }

    private readonly struct Published(ShmByteSubscriber cursor) : IWaitAttempt
    {
        public bool TryOnce() => cursor.Lag != 0;
    }

    private bool IsAnySubscriberFull()
    {
        foreach (IActorRef subscriber in Volatile.Read(ref _subscribers))
        {
            if (subscriber is ActorRefWithCell { Underlying: { } cell } && cell.NumberOfMessages >= _owner.Settings.Rings.MaxPendingPerSubscriber)
                return true;
        }
        return false;
    }

    private void ReportLoss(long lost)
    {
        _owner.CountLost(_ring.Topic, lost);
        if (_deliver is not null)
            return; // the event stream has no subscriber to tell; the count and the metric say it
        var notice = new TopicEventsLost(_ring.Topic, lost);
        foreach (IActorRef subscriber in Volatile.Read(ref _subscribers))
            subscriber.Tell(notice, _owner.Mediator);
    }

    /// <summary>Decodes one event and tells it to every current subscriber; bad input is counted and skipped.</summary>
    private void Dispatch(ReadOnlySpan<byte> encoded)
    {
        if (!EnvelopeFormat.TryRead(encoded, out EnvelopeView view) || view.Kind != EnvelopeFormat.UserMessage
            || !encoded.Slice(view.RecipientOffset, view.RecipientLength).SequenceEqual(_ring.TopicUtf8))
        {
            _owner.CountCorrupt(_ring.Topic);
            return;
        }
        if (TopicEvent.IsOwnExcluded(view.Tag, _owner.Id))
            return; // published here, for every node but this one (SendToAll excluding self, the shared event stream)
        if (!_inbound.TryReadMessage(encoded, view, _ring.Topic, out object? message))
            return;
        IActorRef sender = _inbound.SenderOf(encoded, view);
        if (_deliver is not null)
        {
            _deliver(message, sender);
            return;
        }
        // Read after the event was taken: see the remarks on ordering against Subscribe/Unsubscribe acknowledgements.
        foreach (IActorRef subscriber in Volatile.Read(ref _subscribers))
            subscriber.Tell(message, sender);
    }
}
