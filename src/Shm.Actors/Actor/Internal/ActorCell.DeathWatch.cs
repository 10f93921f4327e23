namespace Shm.Actors.Internal;

internal sealed partial class ActorCell
{
    // Actors this one watches → the message to deliver when they die (null: a Terminated).
    private readonly Dictionary<IActorRef, object?> _watching = [];

    // Actors watching this one.
    private readonly HashSet<IActorRef> _watchedBy = [];

    // Deaths whose notification sits in the mailbox; Unwatch removes the entry so the notification is dropped.
    private readonly HashSet<IActorRef> _terminatedQueued = [];

    public IActorRef Watch(IActorRef subject) => WatchCore(subject, null);

    public IActorRef WatchWith(IActorRef subject, object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return WatchCore(subject, message);
    }

    private IActorRef WatchCore(IActorRef subject, object? message)
    {
        ArgumentNullException.ThrowIfNull(subject);
        subject = subject.Unwrap();
        if (subject.Equals(SelfRef)) return subject;
        bool already = _watching.ContainsKey(subject);
        _watching[subject] = message;
        if (!already && subject is InternalActorRef target) target.SendSystemMessage(new Watch(subject, SelfRef));
        return subject;
    }

    public IActorRef Unwatch(IActorRef subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        subject = subject.Unwrap();
        _terminatedQueued.Remove(subject);
        if (_watching.Remove(subject) && subject is InternalActorRef target) target.SendSystemMessage(new Unwatch(subject, SelfRef));
        return subject;
    }

    private void AddWatcher(IActorRef watchee, IActorRef watcher)
    {
        if (watchee.Equals(SelfRef) && !watcher.Equals(SelfRef)) _watchedBy.Add(watcher);
    }

    private void RemoveWatcher(IActorRef watchee, IActorRef watcher)
    {
        if (watchee.Equals(SelfRef)) _watchedBy.Remove(watcher);
    }

    /// <summary>A watched actor or a child died. The parent's bookkeeping happens now; the user's Terminated is queued.</summary>
    private void WatchedActorTerminated(DeathWatchNotification notification)
    {
        IActorRef actor = notification.Actor;
        if (_watching.Remove(actor, out object? custom) && !_terminating)
        {
            _terminatedQueued.Add(actor);
            object message = custom ?? new Terminated(actor, notification.ExistenceConfirmed, notification.AddressTerminated);
            Mailbox.Post(SelfRef, new Dispatch.Envelope(new DeliverTerminated(actor, message), actor));
        }
        if (actor.Path.Parent.Equals(SelfRef.Path)) HandleChildTerminated(actor);
    }

    /// <summary>After PostStop: tell watchers and the parent, and stop watching others.</summary>
    private void TellWatchersWeDied()
    {
        foreach (IActorRef watcher in _watchedBy)
        {
            if (!watcher.Equals(ParentRef) && watcher is InternalActorRef w)
                w.SendSystemMessage(new DeathWatchNotification(SelfRef, existenceConfirmed: true, addressTerminated: false));
        }
        _watchedBy.Clear();
        ParentRef.SendSystemMessage(new DeathWatchNotification(SelfRef, existenceConfirmed: true, addressTerminated: false));
        foreach (IActorRef watchee in _watching.Keys)
        {
            if (watchee is InternalActorRef w) w.SendSystemMessage(new Unwatch(watchee, SelfRef));
        }
        _watching.Clear();
        _terminatedQueued.Clear();
    }

    /// <summary>A system message reached this cell after it stopped (any thread): a Watch is answered at once.</summary>
    public void HandleSystemMessageWhenDead(SystemMessage message)
    {
        if (message is Watch w && w.Watchee.Equals(SelfRef) && !w.Watcher.Equals(SelfRef) && w.Watcher is InternalActorRef watcher)
            watcher.SendSystemMessage(new DeathWatchNotification(SelfRef, existenceConfirmed: true, addressTerminated: false));
    }
}
