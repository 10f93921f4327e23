namespace Shm.Hosting;

/// <summary>Thrown by <see cref="ActorRegistry.Register{TKey}"/> when the key already has an actor.</summary>
public sealed class DuplicateActorRegistrationException : InvalidOperationException
{
    /// <summary>Creates the exception naming the key, the registered actor and the one refused.</summary>
    public DuplicateActorRegistrationException(Type key, IActorRef existing, IActorRef refused)
        : base($"Actor registry key {key.Name} already holds {existing.Path}; {refused.Path} was not registered. Use TryRegister with overwrite: true to replace it, or another key type.")
    {
        Key = key;
    }

    /// <summary>The key that was taken.</summary>
    public Type Key { get; }
}
