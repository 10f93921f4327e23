namespace Shm.Hosting;

/// <summary>Thrown when an actor is asked for under a key nothing is registered under.</summary>
public sealed class MissingActorRegistryEntryException : InvalidOperationException
{
    /// <summary>Creates the exception naming the key and the keys that are registered.</summary>
    public MissingActorRegistryEntryException(Type key, IEnumerable<Type> registered)
        : base($"No actor is registered under {key.Name} (registered: {Describe(registered)}). Register it in WithActors, or wait for it with GetAsync if it is registered later.")
    {
        Key = key;
    }

    /// <summary>The key asked for.</summary>
    public Type Key { get; }

    private static string Describe(IEnumerable<Type> keys)
    {
        string list = string.Join(", ", keys.Select(k => k.Name).Order(StringComparer.Ordinal));
        return list.Length == 0 ? "none" : list;
    }
}
