using Shm.Primitives;

namespace Shm.Node;

/// <summary>
/// This node's client of one incarnation of another node's ask channel. Counted: the cache holds one reference and
/// every ask in flight one more, so when the node goes down (and the cache retires it) the mapping is released only
/// after the last ask using it has finished with it.
/// </summary>
internal sealed class AskChannelClient(ShmReqRepClient client, long incarnation)
{
    private readonly CancellationTokenSource _down = new();
    private int _references = 1; // the cache's
    private int _retired;

    public ShmReqRepClient Client => client;

    public long Incarnation => incarnation;

    /// <summary>True once the node of this channel was reported down (or this node stopped).</summary>
    public bool IsRetired => Volatile.Read(ref _retired) != 0;

    /// <summary>
    /// Cancelled when the channel is retired: every ask on it links this token, so a node's death (reported by its
    /// pidfd within milliseconds) ends its pending asks at once rather than when the channel's own liveness check runs.
    /// </summary>
    public CancellationToken DownToken => _down.Token;

    /// <summary>Takes a reference for one ask; false if the channel is already released.</summary>
    public bool TryEnter()
    {
        int references = Volatile.Read(ref _references);
        while (references > 0)
        {
            int seen = Interlocked.CompareExchange(ref _references, references + 1, references);
            if (seen == references)
                return true;
            references = seen;
        }
        return false;
    }

    /// <summary>Returns an ask's reference; the last one out unmaps the channel.</summary>
    public void Exit()
    {
        if (Interlocked.Decrement(ref _references) == 0)
            client.Dispose();
    }

    /// <summary>Drops the cache's reference (once): no new ask will use this channel.</summary>
    public void Retire()
    {
        if (Interlocked.Exchange(ref _retired, 1) != 0)
            return;
        _down.Cancel();
        Exit();
    }
}
