namespace Shm.TestKit;

/// <summary>An <see cref="AutoPilot"/> from a delegate.</summary>
public sealed class DelegateAutoPilot(Func<IActorRef, object, AutoPilot> run) : AutoPilot
{
    /// <inheritdoc />
    public override AutoPilot Run(IActorRef sender, object message) => run(sender, message);
}
