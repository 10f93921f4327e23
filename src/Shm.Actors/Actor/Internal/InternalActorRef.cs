namespace Shm.Actors.Internal;

/// <summary>
/// The runtime's view of a ref: besides Tell it accepts system messages and knows its parent. Every ref the runtime hands
/// out derives from this; a transport's remote refs will too.
/// </summary>
internal abstract class InternalActorRef : IActorRef
{
    public abstract ActorPath Path { get; }

    public abstract void Tell(object message, IActorRef? sender);

    /// <summary>Delivers a system message; bypasses the user mailbox and is never lost silently (a dead target answers Watch).</summary>
    public abstract void SendSystemMessage(SystemMessage message);

    public virtual InternalActorRef? Parent => null;

    public virtual bool IsTerminated => false;

    public virtual bool IsLocal => true;

    /// <summary>
    /// <see cref="Serialization.Serialization.SerializedActorPath"/> of this ref in UTF-8, once a transport has needed it
    /// (a sender field is written for every message; a ref's path never changes). Set racily: every writer stores the
    /// same bytes.
    /// </summary>
    internal byte[]? SerializedPathUtf8;

    /// <summary>Asks the actor to stop (the system message <c>Terminate</c>).</summary>
    public virtual void Stop() { }

    /// <summary>The child named <paramref name="name"/>, or null.</summary>
    public virtual InternalActorRef? GetSingleChild(string name) => null;

    /// <summary>The current children, for selections walking the tree.</summary>
    public virtual IEnumerable<InternalActorRef> GetChildren() => [];

    public bool Equals(IActorRef? other) =>
        other is not null && (ReferenceEquals(this, other) || (Path.Uid == other.Path.Uid && Path.Equals(other.Path)));

    public override bool Equals(object? obj) => obj is IActorRef other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Path.Uid, Path);

    public int CompareTo(IActorRef? other)
    {
        if (other is null) return 1;
        int byPath = Path.CompareTo(other.Path);
        return byPath != 0 ? byPath : Path.Uid.CompareTo(other.Path.Uid);
    }

    public override string ToString() => Path.Uid == ActorPath.UndefinedUid ? $"[{Path}]" : $"[{Path}#{Path.Uid}]";
}
