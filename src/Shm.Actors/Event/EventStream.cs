using Shm.Actors.Internal;

namespace Shm.Actors.Event;

/// <summary>
/// The system's publish/subscribe bus (in-process only). Subscribing to a type receives every published event assignable
/// to it, subclasses and interface implementers included; an event is delivered once per subscriber however many of its
/// subscriptions match. Unsubscribing a subtype while subscribed to its supertype excludes only that subtype. Subscribers
/// that stop are unsubscribed automatically. All members are thread-safe; Publish never blocks.
/// </summary>
public sealed class EventStream
{
    private readonly object _lock = new();
    private readonly Dictionary<IActorRef, Subscription> _subscriptions = [];

    // Event type → subscribers, rebuilt lazily after any change. Publish reads it without the lock.
    private volatile Dictionary<Type, IActorRef[]> _cache = [];
    private readonly Func<IActorRef, bool> _watchSubscriber;
    private readonly Action<IActorRef> _unwatchSubscriber;

    internal EventStream(Func<IActorRef, bool> watchSubscriber, Action<IActorRef> unwatchSubscriber)
    {
        _watchSubscriber = watchSubscriber;
        _unwatchSubscriber = unwatchSubscriber;
    }

    /// <summary>Subscribes <paramref name="subscriber"/> to events assignable to <paramref name="channel"/>; false if it already was.</summary>
    public bool Subscribe(IActorRef subscriber, Type channel)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(channel);
        subscriber = subscriber.Unwrap();
        bool isNew;
        lock (_lock)
        {
            isNew = !_subscriptions.TryGetValue(subscriber, out Subscription? s);
            if (isNew) _subscriptions[subscriber] = s = new Subscription();
            s!.Excluded.RemoveWhere(channel.IsAssignableFrom);
            if (!s.Included.Add(channel) && !isNew) return false;
            _cache = [];
        }
        if (isNew && !_watchSubscriber(subscriber)) Unsubscribe(subscriber);
        return true;
    }

    /// <summary>Subscribes to events assignable to <typeparamref name="T"/>.</summary>
    public bool Subscribe<T>(IActorRef subscriber) => Subscribe(subscriber, typeof(T));

    /// <summary>Stops events of <paramref name="channel"/> (and its subtypes) reaching <paramref name="subscriber"/>.</summary>
    public bool Unsubscribe(IActorRef subscriber, Type channel)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(channel);
        subscriber = subscriber.Unwrap();
        bool removeAll;
        lock (_lock)
        {
            if (!_subscriptions.TryGetValue(subscriber, out Subscription? s)) return false;
            int removed = s.Included.RemoveWhere(channel.IsAssignableFrom);
            bool coveredBySupertype = s.Included.Any(t => t.IsAssignableFrom(channel));
            if (coveredBySupertype) s.Excluded.Add(channel);
            if (removed == 0 && !coveredBySupertype) return false;
            removeAll = s.Included.Count == 0;
            if (removeAll) _subscriptions.Remove(subscriber);
            _cache = [];
        }
        if (removeAll) _unwatchSubscriber(subscriber);
        return true;
    }

    /// <summary>Unsubscribes from <typeparamref name="T"/>.</summary>
    public bool Unsubscribe<T>(IActorRef subscriber) => Unsubscribe(subscriber, typeof(T));

    /// <summary>Removes every subscription of <paramref name="subscriber"/>.</summary>
    public void Unsubscribe(IActorRef subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        subscriber = subscriber.Unwrap();
        bool removed;
        lock (_lock)
        {
            removed = _subscriptions.Remove(subscriber);
            if (removed) _cache = [];
        }
        if (removed) _unwatchSubscriber(subscriber);
    }

    /// <summary>The system's metric counters (dead letters are counted where they are published).</summary>
    internal Diagnostics.ActorMetrics.SystemCounters? Counters { get; set; }

    /// <summary>Tells <paramref name="event"/> to every matching subscriber (with no sender).</summary>
    public void Publish(object @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        if (@event is AllDeadLetters && Counters is { } counters)
            Interlocked.Increment(ref counters.DeadLetters);
        Type type = @event.GetType();
        if (!_cache.TryGetValue(type, out IActorRef[]? subscribers)) subscribers = Resolve(type);
        foreach (IActorRef subscriber in subscribers) subscriber.Tell(@event, ActorRefs.NoSender);
    }

    private IActorRef[] Resolve(Type type)
    {
        lock (_lock)
        {
            var matching = new List<IActorRef>();
            foreach ((IActorRef subscriber, Subscription s) in _subscriptions)
            {
                if (s.Matches(type)) matching.Add(subscriber);
            }
            IActorRef[] result = [.. matching];
            // Copy-on-write so Publish can read the cache without the lock.
            _cache = new Dictionary<Type, IActorRef[]>(_cache) { [type] = result };
            return result;
        }
    }

    private sealed class Subscription
    {
        public HashSet<Type> Included { get; } = [];

        public HashSet<Type> Excluded { get; } = [];

        public bool Matches(Type type) =>
            Included.Any(t => t.IsAssignableFrom(type)) && !Excluded.Any(t => t.IsAssignableFrom(type));
    }
}
