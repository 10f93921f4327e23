namespace Shm.Actors;

/// <summary>Every actor answers it automatically with <see cref="ActorIdentity"/> carrying <see cref="MessageId"/>: the way to turn a selection into a ref.</summary>
/// <param name="MessageId">Echoed back so the asker can match the answer.</param>
public sealed record Identify(object? MessageId) : IAutoReceivedMessage;
