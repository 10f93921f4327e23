namespace Shm.Actors;

/// <summary>The answer to <see cref="Identify"/>.</summary>
/// <param name="MessageId">The id from the <see cref="Identify"/>.</param>
/// <param name="Subject">The actor, or null when a selection without wildcards matched nothing.</param>
public sealed record ActorIdentity(object? MessageId, IActorRef? Subject);
