namespace Shm.Actors;

/// <summary>
/// Creates and resolves the refs of a system. The local provider knows only this process; the shared-memory transport
/// plugs in a provider that also resolves <c>shm://system@node/…</c> paths of other processes to remote refs.
/// Thread-safe.
/// </summary>
public interface IActorRefProvider
{
    /// <summary>The address of this system (what its paths start with).</summary>
    Address DefaultAddress { get; }

    /// <summary>The root path <c>/</c> of this system.</summary>
    ActorPath RootPath { get; }

    /// <summary>The dead-letter ref.</summary>
    IActorRef DeadLetters { get; }

    /// <summary>The <c>/user</c> guardian, parent of every top-level actor.</summary>
    IActorRef Guardian { get; }

    /// <summary>The <c>/system</c> guardian, parent of the runtime's own actors.</summary>
    IActorRef SystemGuardian { get; }

    /// <summary>A fresh path under <c>/temp</c> (Ask's reply-to refs live there).</summary>
    ActorPath TempPath();

    /// <summary>The live actor at <paramref name="path"/> (uid checked when present), or <see cref="DeadLetters"/> if there is none.</summary>
    IActorRef ResolveActorRef(ActorPath path);

    /// <summary>Parses <paramref name="path"/> and resolves it like <see cref="ResolveActorRef(ActorPath)"/>.</summary>
    IActorRef ResolveActorRef(string path);
}
