namespace Shm.Actors;

/// <summary>"Finished, nothing to return": the result of CoordinatedShutdown tasks (Akka's <c>Done</c>).</summary>
public sealed class Done
{
    /// <summary>The only instance.</summary>
    public static readonly Done Instance = new();

    private Done() { }

    /// <inheritdoc />
    public override string ToString() => "Done";
}
