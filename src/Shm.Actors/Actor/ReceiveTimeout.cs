namespace Shm.Actors;

/// <summary>Arrives after the actor was idle for its receive timeout (<see cref="IActorContext.SetReceiveTimeout"/>), and again while it stays idle.</summary>
public sealed class ReceiveTimeout : INotInfluenceReceiveTimeout
{
    /// <summary>The only instance.</summary>
    public static readonly ReceiveTimeout Instance = new();

    private ReceiveTimeout() { }

    /// <inheritdoc />
    public override string ToString() => "<ReceiveTimeout>";
}
