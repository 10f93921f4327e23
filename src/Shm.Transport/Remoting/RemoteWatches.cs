using Shm.Actors;
using Shm.Actors.Internal;

namespace Shm.Transport.Remoting;

/// <summary>Which local actors watch which remote ones, by node, so a node's death notifies them all at once.</summary>
internal sealed class RemoteWatches
{
    private readonly Dictionary<string, HashSet<(IActorRef Watchee, InternalActorRef Watcher)>> _byNode = [];

    public bool Add(RemoteActorRef watchee, InternalActorRef watcher)
    {
        lock (_byNode)
        {
            if (!_byNode.TryGetValue(watchee.Node, out var set))
                _byNode[watchee.Node] = set = [];
            return set.Add((watchee, watcher));
        }
    }

    public bool Remove(IActorRef watchee, IActorRef watcher)
    {
        if (watchee is not RemoteActorRef remote || watcher is not InternalActorRef local)
            return false;
        lock (_byNode)
            return _byNode.TryGetValue(remote.Node, out var set) && set.Remove((remote, local));
    }

    public List<(IActorRef Watchee, InternalActorRef Watcher)> RemoveNode(string node)
    {
        lock (_byNode)
            return _byNode.Remove(node, out var set) ? [.. set] : [];
    }
}
