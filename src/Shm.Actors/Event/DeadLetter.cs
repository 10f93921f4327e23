namespace Shm.Actors.Event;

/// <summary>A message that could not be delivered: its recipient had stopped or never existed, it was left in a stopping mailbox, it was a late Ask reply, or a bounded mailbox was full.</summary>
public sealed record DeadLetter(object Message, IActorRef Sender, IActorRef Recipient) : AllDeadLetters(Message, Sender, Recipient);
