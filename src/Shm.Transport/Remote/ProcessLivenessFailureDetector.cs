using Akka.Configuration;
using Akka.Event;
using Akka.Remote;
using AkkaAddress = Akka.Actor.Address;

namespace Shm.Transport.Remote;

/// <summary>
/// A failure detector for the nodes of one box: Akka's phi-accrual detector (heartbeats, the same settings) that also
/// knows, from the node directory and a pidfd per peer, when the watched node's process has died. A peer whose process
/// is gone is unavailable at once; a live one is judged by heartbeats alone, so a stopped (SIGSTOP) or hung process is
/// declared unreachable only as Akka's own detector would, never for being slow.
/// </summary>
/// <remarks>
/// <para>Use it for remote DeathWatch (<c>akka.remote.watch-failure-detector.implementation-class</c>) and for
/// Akka.Cluster (<c>akka.cluster.failure-detector.implementation-class</c>); for addresses that are not shm ones, or in a
/// system without the shm transport, it is exactly the phi-accrual detector.</para>
/// <para>It watches the newest incarnation of the node seen up when it first heard a heartbeat (or was first asked): a
/// replacement process that joins under the same name later does not make a dead predecessor available again. When a peer's
/// process dies the transport asks the remote watcher to poll its detectors at once, so <c>Terminated</c> follows
/// within milliseconds; Akka.Cluster polls at <c>akka.cluster.unreachable-nodes-reaper-interval</c>.</para>
/// </remarks>
public sealed class ProcessLivenessFailureDetector : PhiAccrualFailureDetector
{
    private readonly EventStream _system;
    private string? _parsedFrom;
    private string? _node;
    private long _incarnation;

    /// <summary>Created by Akka's failure-detector registry from the detector's block (the phi-accrual keys).</summary>
    public ProcessLivenessFailureDetector(Config config, EventStream ev) : base(config, ev)
    {
        _system = ev;
    }

    /// <summary>False as soon as the watched node's process is known to be gone; otherwise what the heartbeats say.</summary>
    public override bool IsAvailable => !ProcessIsGone() && base.IsAvailable;

    /// <inheritdoc />
    public override void HeartBeat()
    {
        ProcessIsGone(); // the first heartbeat fixes the incarnation watched
        base.HeartBeat();
    }

    private bool ProcessIsGone()
    {
        SharedMemoryTransport? transport = SharedMemoryTransport.Of(_system);
        if (transport is null || NodeOfAddress() is not { } node)
            return false;
        long incarnation = Volatile.Read(ref _incarnation);
        if (incarnation == 0)
        {
            incarnation = transport.LatestIncarnationOf(node);
            if (incarnation == 0)
                return false; // never seen up: the heartbeats decide
            Interlocked.CompareExchange(ref _incarnation, incarnation, 0);
            incarnation = Volatile.Read(ref _incarnation);
        }
        return transport.HasDeparted(incarnation);
    }

    /// <summary>The node the registry's address names, when it is an shm address (parsed once).</summary>
    private string? NodeOfAddress()
    {
        string? text = Address;
        if (text is null)
            return null;
        if (!ReferenceEquals(text, Volatile.Read(ref _parsedFrom)))
        {
            string? node = null;
            try
            {
                AkkaAddress address = AkkaAddress.Parse(text);
                if (address.Protocol is SharedMemoryTransport.Scheme or SharedMemoryTransport.AkkaScheme)
                    node = address.Host;
            }
            catch (UriFormatException)
            {
            }
            _node = node;
            Volatile.Write(ref _parsedFrom, text);
        }
        return _node;
    }
}
