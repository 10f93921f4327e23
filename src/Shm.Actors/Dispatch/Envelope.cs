namespace Shm.Actors.Dispatch;

/// <summary>A user message and who sent it, as it waits in a mailbox. A struct, so queuing a message allocates nothing of its own.</summary>
/// <param name="Message">The message.</param>
/// <param name="Sender">The sender, or null (<see cref="ActorRefs.NoSender"/>).</param>
public readonly record struct Envelope(object Message, IActorRef? Sender);
