namespace Shm.Actors.Event;

/// <summary>An undelivered <see cref="IDeadLetterSuppression"/> message (not logged).</summary>
public sealed record SuppressedDeadLetter(object Message, IActorRef Sender, IActorRef Recipient) : AllDeadLetters(Message, Sender, Recipient);
