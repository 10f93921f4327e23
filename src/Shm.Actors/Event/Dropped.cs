namespace Shm.Actors.Event;

/// <summary>A message deliberately dropped (e.g. by an overflow policy), with the reason.</summary>
public sealed record Dropped(object Message, string Reason, IActorRef Sender, IActorRef Recipient) : AllDeadLetters(Message, Sender, Recipient);
