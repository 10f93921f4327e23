using Shm.Actors;
using Shm.Actors.Dispatch;
using Shm.Actors.Internal;
using Shm.Primitives;
using Shm.Transport.Remoting;

namespace Shm.Transport.PubSub;

/// <summary>
/// The one reader of a topic on this node, alive while the node has subscribers of it: takes each event from the ring
/// once, decodes it once, and Tells it to every local subscriber with the publisher as sender. A gap (the ring lapped
/// this reader) is told to every subscriber as <see cref="TopicEventsLost"/> at the point of the stream where it
/// happened. Runs as an async loop on the thread pool: it spins briefly when the ring is empty, then awaits the
/// ring's futex-based poll, which holds no thread while it waits. While the subscribers are quick it runs the last
/// one's turn itself (see <see cref="InlineTurns"/>), so a node with one subscriber handles each event on one thread
/// instead of two; a turn that blocks the loop has a new loop take over (see <see cref="Driver.WatchedReader"/>).
/// </summary>
/// <remarks>
/// The subscriber list is replaced whole by the mediator (<see cref="SetSubscribers"/>) and read after each event is
/// taken from the ring, never before: an event published after an Unsubscribe was acknowledged is therefore never
/// delivered to that subscriber, and one published after a SubscribeAck always is.
/// </remarks>
internal sealed class TopicReader : IDisposable
{
    private const int BatchSize = 64;           // events between checks of stop, subscriber pressure and fairness
    private const int BatchesPerYield = 64;     // a busy reader gives its pool thread back this often
    private static readonly TimeSpan s_pressureRecheck = TimeSpan.FromMilliseconds(1); // mailboxes signal no "drained"

    private readonly DistributedPubSub _owner;
    private readonly TopicRing _ring;
    private readonly ShmByteSubscriber _cursor;
    private readonly CancellationTokenSource _stop = new();
    private readonly Utf8KeyCache<IActorRef> _senders = new(4096);
    private readonly Utf8KeyCache<string> _manifests = new(1024);
    private readonly bool _spin;
    private readonly int _maxPending;
    private readonly InlineTurns _turns = new();
    private readonly Driver.WatchedReader _loop;
    private Subscriber[] _subscribers;

    /// <summary>Positions a cursor at the ring's end (so the caller may acknowledge at once) and starts reading.</summary>
    public TopicReader(DistributedPubSub owner, TopicRing ring, IReadOnlyCollection<IActorRef> subscribers)
    {
        _owner = owner;
        _ring = ring;
        _spin = owner.WaitStrategy == ShmWaitStrategy.SpinThenSleep;
        _maxPending = owner.Settings.MaxPendingPerSubscriber;
        _subscribers = ToEntries(subscribers);
        _cursor = ring.Subscribe();
        owner.Track(this);
        _loop = Driver.WatchedReader.OnThreadPool(RunAsync, () => owner.ReportStalledTopicReader(ring.Topic));
    }

    /// <summary>Completes when the loop has ended and the cursor is released.</summary>
    public Task Completion => _loop.Current;

    /// <summary>How many times a new loop took over from one blocked in a subscriber's turn.</summary>
    public int TakeOvers => _loop.TakeOvers;

    /// <summary>Replaces the subscribers (the mediator's thread); later events go to the new list only.</summary>
    public void SetSubscribers(IReadOnlyCollection<IActorRef> subscribers) => Volatile.Write(ref _subscribers, ToEntries(subscribers));

    /// <summary>Asks the loop to stop; it releases the cursor (and a Backpressure registration) as it ends.</summary>
    public void Dispose() => _stop.Cancel();

    private static Subscriber[] ToEntries(IReadOnlyCollection<IActorRef> subscribers) =>
        [.. subscribers.Select(s => new Subscriber(s, (s.Unwrap() as LocalActorRef)?.Cell.Mailbox))];

    private async Task RunAsync(Driver.ReaderLease lease)
    {
        byte[] buffer = new byte[_ring.MaxEventBytes];
        CancellationToken stop = _stop.Token;
        int batches = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                int read = 0;
                while (read < BatchSize && _cursor.TryPoll(buffer, out int length, out long lost))
                {
                    if (lost != 0)
                        ReportLoss(lost);
                    Dispatch(buffer.AsSpan(0, length), lease);
                    if (lease.IsRevoked)
                        return; // a subscriber's turn blocked this loop and another reads now: nothing here may be touched again
                    read++;
                }
                if (read != 0)
                {
                    if (IsAnySubscriberFull())
                        await WhileAnySubscriberFullAsync(stop).ConfigureAwait(false);
                    else if (++batches % BatchesPerYield == 0)
                        await Task.Yield();
                    continue;
                }
                if (_spin && Topics.TopicReader.SpinUntilPublished(_cursor))
                    continue;
                long lossBefore = _cursor.OverflowCount + _cursor.SkippedCount;
                byte[] message = await _cursor.PollAsync(stop).ConfigureAwait(false);
                long lostWaiting = _cursor.OverflowCount + _cursor.SkippedCount - lossBefore;
                if (lostWaiting != 0)
                    ReportLoss(lostWaiting);
                Dispatch(message, lease);
                if (lease.IsRevoked)
                    return;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception error) when (!lease.IsRevoked)
        {
            _owner.Log.Error(error, "The reader of topic '{0}' on this node stopped: {1}; its subscribers receive nothing more until they subscribe again.", _ring.Topic, error.Message);
        }
        finally
        {
            if (!lease.IsRevoked)
            {
                _cursor.Dispose();
                _owner.Untrack(this); // _stop stays undisposed: Dispose may still cancel it, and it holds no timer
            }
        }
    }

    private bool IsAnySubscriberFull()
    {
        foreach (Subscriber subscriber in Volatile.Read(ref _subscribers))
        {
            if (subscriber.Mailbox is { } mailbox && mailbox.NumberOfMessages >= _maxPending)
                return true;
        }
        return false;
    }

    /// <summary>
    /// Reads nothing while a subscriber's mailbox is full: the ring then holds the events (a Backpressure topic makes
    /// publishers wait; an Overwrite topic may lap this node, which is reported when reading resumes).
    /// </summary>
    private async Task WhileAnySubscriberFullAsync(CancellationToken stop)
    {
        while (IsAnySubscriberFull())
            await Task.Delay(s_pressureRecheck, stop).ConfigureAwait(false);
    }

    private void ReportLoss(long lost)
    {
        _owner.CountLost(lost);
        var notice = new TopicEventsLost(_ring.Topic, lost);
        foreach (Subscriber subscriber in Volatile.Read(ref _subscribers))
            subscriber.Ref.Tell(notice, _owner.Mediator);
    }

    /// <summary>
    /// Decodes one event and Tells it to every current subscriber. Bad input is counted and skipped. The last
    /// subscriber's turn may run here (see <see cref="InlineTurns"/>): the others have the event by then, so a new loop
    /// that takes over from a turn that blocks delivers the next events behind it.
    /// </summary>
    private void Dispatch(ReadOnlySpan<byte> encoded, Driver.ReaderLease lease)
    {
        if (!EnvelopeFormat.TryRead(encoded, out EnvelopeView view)
            || view.Kind != EnvelopeFormat.UserMessage
            || !encoded.Slice(view.RecipientOffset, view.RecipientLength).SequenceEqual(_ring.TopicUtf8))
        {
            _owner.CountCorrupt(_ring.Topic);
            return;
        }
        IActorRef? sender = view.SenderLength == 0
            ? null
            : _senders.GetOrAdd(encoded.Slice(view.SenderOffset, view.SenderLength), static (path, owner) => owner.System.Serialization.ResolveActorRef(path), _owner, _owner.IsReusable);
        object message;
        try
        {
            string manifest = view.ManifestLength == 0
                ? ""
                : _manifests.GetOrAdd(encoded.Slice(view.ManifestOffset, view.ManifestLength), static (text, _) => text, 0);
            message = _owner.System.Serialization.Deserialize(encoded[view.PayloadOffset..], view.SerializerId, manifest);
        }
        catch (Exception error)
        {
            _owner.CountUndeserializable(_ring.Topic, view.SerializerId, error);
            return;
        }
        // Read after the event was taken: see the remarks on ordering against Subscribe/Unsubscribe acknowledgements.
        Subscriber[] subscribers = Volatile.Read(ref _subscribers);
        for (int i = 0; i < subscribers.Length - 1; i++)
            subscribers[i].Ref.Tell(message, sender);
        if (subscribers.Length != 0)
            _turns.Tell(subscribers[^1].Ref, message, sender, lease);
    }

    /// <summary>A subscriber and, when it is an actor of this process, its mailbox (for the pressure check).</summary>
    private readonly record struct Subscriber(IActorRef Ref, Mailbox? Mailbox);
}
