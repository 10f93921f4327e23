namespace Shm.Actors;

/// <summary>Why a <see cref="CoordinatedShutdown"/> runs; compare with the well-known instances or define your own subclass.</summary>
public class CoordinatedShutdownReason
{
    /// <summary>No reason given.</summary>
    public static readonly CoordinatedShutdownReason Unknown = new("unknown");

    /// <summary><see cref="ActorSystem.Terminate"/> was called.</summary>
    public static readonly CoordinatedShutdownReason ActorSystemTerminate = new("actor system terminate");

    /// <summary>The process is exiting.</summary>
    public static readonly CoordinatedShutdownReason ClrExit = new("process exit");

    /// <summary>Creates a reason described by <paramref name="description"/>.</summary>
    protected CoordinatedShutdownReason(string description) => Description = description;

    /// <summary>What the reason is, for logs.</summary>
    public string Description { get; }

    /// <inheritdoc />
    public override string ToString() => Description;
}
