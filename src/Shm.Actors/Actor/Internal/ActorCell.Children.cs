using System.Collections.Concurrent;

namespace Shm.Actors.Internal;

internal sealed partial class ActorCell
{
    // Name → child. Concurrent because system.ActorOf adds top-level children from any thread and selections read it from
    // any thread; everything else happens on this cell's turn.
    private readonly ConcurrentDictionary<string, ChildRestartStats> _children = new(StringComparer.Ordinal);

    // Children we asked to stop and whose DeathWatchNotification has not arrived yet.
    private readonly HashSet<IActorRef> _childrenStopping = [];

    private long _nextGeneratedName;

    public IEnumerable<IActorRef> Children => GetChildren();

    public IEnumerable<IActorRef> GetChildren() => _children.Values.Select(s => (IActorRef)s.Child).ToList();

    internal IEnumerable<InternalActorRef> ChildRefs => _children.Values.Select(s => s.Child);

    public IActorRef ActorOf(Props props, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(props);
        if (name is null) name = GenerateName();
        else ActorNames.Validate(name);
        return CreateChild(props, name);
    }

    /// <summary>Creates a child with an already validated (or system) name; any thread for guardians, else this cell's turn.</summary>
    internal LocalActorRef CreateChild(Props props, string name)
    {
        if (_terminated) ThrowHelper.ThrowParentStopped(name, SelfRef.Path);
        LocalActorRef child = System.LocalProvider.CreateLocalActor(props, SelfRef, SelfRef.Path / name);
        if (!_children.TryAdd(name, new ChildRestartStats(child)))
            ThrowHelper.ThrowActorNameNotUnique(name, SelfRef.Path);
        child.Start();
        if (_terminating) StopChild(child);   // a stopping parent does not keep new children
        return child;
    }

    public ActorSelection ActorSelection(string path) => Actors.ActorSelection.Create(System, SelfRef, path);

    public IActorRef Child(string name) => _children.TryGetValue(name, out ChildRestartStats? s) ? s.Child : ActorRefs.Nobody;

    internal InternalActorRef? GetSingleChild(string name) => _children.TryGetValue(name, out ChildRestartStats? s) ? s.Child : null;

    public void Stop(IActorRef child)
    {
        ArgumentNullException.ThrowIfNull(child);
        child = child.Unwrap();
        if (child.Equals(SelfRef)) SelfRef.Stop();
        else if (IsChild(child)) StopChild((InternalActorRef)child);
        else (child as InternalActorRef)?.Stop();
    }

    /// <summary>Asks a child to stop and remembers to wait for it (restart and stop both wait for stopping children).</summary>
    internal void StopChild(InternalActorRef child)
    {
        _childrenStopping.Add(child);
        child.Stop();
    }

    private bool IsChild(IActorRef actor) =>
        actor.Path.Parent.Equals(SelfRef.Path) && _children.TryGetValue(actor.Path.Name, out ChildRestartStats? s) && s.Child.Equals(actor);

    /// <summary>A child has stopped: forget it, then finish a stop or restart that was waiting for it.</summary>
    private void HandleChildTerminated(IActorRef child)
    {
        if (_children.TryGetValue(child.Path.Name, out ChildRestartStats? s) && s.Child.Equals(child))
            _children.TryRemove(child.Path.Name, out _);
        _childrenStopping.Remove(child);
        if (_terminating)
        {
            if (_children.IsEmpty) FinishTerminate();
        }
        else if (_pendingRecreate is not null && _childrenStopping.Count == 0)
        {
            FinishRecreate(_pendingRecreate);
        }
    }

    // Interlocked: guardians generate names for system.ActorOf calls from any thread.
    private string GenerateName() => "$" + ActorNames.Base64(Interlocked.Increment(ref _nextGeneratedName));
}
