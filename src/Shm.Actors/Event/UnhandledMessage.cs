namespace Shm.Actors.Event;

/// <summary>Published when an actor's behaviour did not handle a message (except <see cref="Terminated"/>, which throws <see cref="DeathPactException"/> instead).</summary>
/// <param name="Message">The message.</param>
/// <param name="Sender">Its sender.</param>
/// <param name="Recipient">The actor that did not handle it.</param>
public sealed record UnhandledMessage(object Message, IActorRef Sender, IActorRef Recipient);
