namespace Shm.TestKit;

/// <summary>
/// Lets a test actor answer by itself: <see cref="Run"/> sees each message before it is queued for expectations, and
/// returns the pilot for the next message (<see cref="KeepRunning"/> to keep this one, <see cref="NoAutoPilot"/> to stop).
/// </summary>
public abstract class AutoPilot
{
    /// <summary>Keep the current pilot.</summary>
    public static AutoPilot KeepRunning { get; } = new Marker();

    /// <summary>Stop piloting.</summary>
    public static AutoPilot NoAutoPilot { get; } = new Marker();

    /// <summary>Handles one message (runs on the test actor's turn).</summary>
    public abstract AutoPilot Run(IActorRef sender, object message);

    private sealed class Marker : AutoPilot
    {
        public override AutoPilot Run(IActorRef sender, object message) => this;
    }
}
