using System.Collections.Concurrent;
using Shm.Primitives;

namespace Shm.Node;

/// <summary>
/// The ask channels of the other nodes this node asks, one client per node incarnation, opened on the first ask and
/// retired when that incarnation goes down.
/// </summary>
internal sealed class AskClients(ShmNode driver) : IDisposable
{
    private readonly ConcurrentDictionary<string, AskChannelClient> _byNode = new();
    private volatile bool _disposed;

    /// <summary>
    /// The channel of <paramref name="node"/>'s incarnation <paramref name="incarnation"/> with a reference taken for one
    /// ask (the caller calls <see cref="AskChannelClient.Exit"/>), or null if it cannot be opened (the node is gone).
    /// </summary>
    public AskChannelClient? Enter(string node, long incarnation)
    {
        while (!_disposed)
        {
            if (_byNode.TryGetValue(node, out AskChannelClient? cached))
            {
                if (cached.Incarnation == incarnation && cached.TryEnter())
                    return cached;
                if (_byNode.TryRemove(new KeyValuePair<string, AskChannelClient>(node, cached)))
                    cached.Retire(); // an older incarnation's, or released meanwhile
                continue;
            }
            ShmReqRepClient client;
            try
            {
                client = ShmReqRepClient.OpenExisting(driver.AskChannelName(node, incarnation), driver.SegmentOptions);
            }
            catch (Exception error) when (error is IOException or InvalidDataException or ShmCorruptedException)
            {
                return null; // removed with its node
            }
            var opened = new AskChannelClient(client, incarnation);
            if (!_byNode.TryAdd(node, opened))
            {
                opened.Retire(); // another ask opened it first: use that one
                continue;
            }
            if (opened.TryEnter())
                return opened;
        }
        return null;
    }

    /// <summary>Retires the channel of a node incarnation that went down (pending asks on it end as the channel reports it).</summary>
    public void NodeDown(string node, long incarnation)
    {
        if (_byNode.TryGetValue(node, out AskChannelClient? cached) && cached.Incarnation == incarnation
            && _byNode.TryRemove(new KeyValuePair<string, AskChannelClient>(node, cached)))
        {
            cached.Retire();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        foreach (string node in _byNode.Keys)
        {
            if (_byNode.TryRemove(node, out AskChannelClient? cached))
                cached.Retire();
        }
    }
}
