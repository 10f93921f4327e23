using Shm.Actors;

namespace Shm.TransportNode;

/// <summary>
/// Optional behaviours of a node process, chosen with role=NAME[:ARGUMENT] on its command line. Each feature's file
/// registers its roles from a module initializer, so adding one never edits Program.cs.
/// </summary>
public static class NodeRoles
{
    private static readonly Dictionary<string, Action<ActorSystem, string>> s_roles = [];

    /// <summary>Registers role <paramref name="name"/>: <paramref name="start"/> gets the system and the role's argument.</summary>
    public static void Register(string name, Action<ActorSystem, string> start)
    {
        lock (s_roles)
            s_roles.Add(name, start);
    }

    /// <summary>Starts role <paramref name="name"/> on <paramref name="system"/>.</summary>
    /// <exception cref="ArgumentException">No such role is registered.</exception>
    public static void Start(string name, ActorSystem system, string argument)
    {
        Action<ActorSystem, string>? start;
        lock (s_roles)
            s_roles.TryGetValue(name, out start);
        if (start is null)
            throw new ArgumentException($"Unknown node role '{name}'; known: {string.Join(", ", s_roles.Keys)}.", nameof(name));
        start(system, argument);
    }
}
