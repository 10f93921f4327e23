namespace Shm.Actors.Internal;

/// <summary>
/// Installed while a ReceiveAsync handler runs: each <c>await</c> continuation is posted back to the actor as a system
/// message and runs on the actor's own turn, so Self, Sender and Context remain valid and the actor never runs twice at once.
/// </summary>
internal sealed class ActorSynchronizationContext(ActorCell cell) : SynchronizationContext
{
    public override void Post(SendOrPostCallback d, object? state) => cell.Mailbox.PostSystem(new RunContinuation(d, state));

    public override void Send(SendOrPostCallback d, object? state) =>
        ThrowHelper.ThrowSynchronousSend();

    public override SynchronizationContext CreateCopy() => this;
}
