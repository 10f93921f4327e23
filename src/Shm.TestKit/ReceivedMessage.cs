namespace Shm.TestKit;

/// <summary>A message the test actor (or a probe) received, with its sender.</summary>
/// <param name="Message">The message.</param>
/// <param name="Sender">Who sent it (the system's dead letters when there was no sender).</param>
public sealed record ReceivedMessage(object Message, IActorRef Sender);
