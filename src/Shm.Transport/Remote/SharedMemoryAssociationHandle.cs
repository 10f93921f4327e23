using Akka.Actor;
using Akka.Remote.Transport;
using Google.Protobuf;

namespace Shm.Transport.Remote;

/// <summary>
/// One Akka association over shared memory: Akka's bytes go as <see cref="LinkFrameKind.Payload"/> frames through the
/// node link to the peer (into its inbox ring), and the peer's frames for this association arrive from this node's inbox
/// reader. Until Akka completes <see cref="AssociationHandle.ReadHandlerSource"/>, inbound events wait here, in order.
/// </summary>
internal sealed class SharedMemoryAssociationHandle : AssociationHandle
{
    private readonly PeerAssociations _peer;
    private readonly Lock _gate = new();
    private List<IHandleEvent>? _waiting = []; // events before the listener; null once it is attached
    private IHandleEventListener? _listener;
    private int _closed;

    public SharedMemoryAssociationHandle(Address local, Address remote, PeerAssociations peer, bool openedHere, int number) : base(local, remote)
    {
        _peer = peer;
        OpenedHere = openedHere;
        Number = number;
        ReadHandlerSource.Task.ContinueWith(static (task, state) => ((SharedMemoryAssociationHandle)state!).Attach(task.Result),
            this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously | TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }

    /// <summary>Whether this node opened the association (with <see cref="Number"/>, its name on both sides).</summary>
    public bool OpenedHere { get; }

    /// <summary>The association's number among those its opener opened to this peer.</summary>
    public int Number { get; }

    /// <summary>
    /// Sends Akka's bytes: never blocks, keeps order. False once the association is closed or the peer is down, or when
    /// the node link's buffer (absorbing a full inbox ring) is full: saturation, on which Akka's writer backs off.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The payload is over <see cref="SharedMemoryTransport.MaximumPayloadBytes"/> (Akka checks before writing).</exception>
    public override bool Write(ByteString payload)
    {
        if (payload.Length > _peer.MaximumPayloadBytes)
            throw new ArgumentOutOfRangeException(nameof(payload), payload.Length,
                $"The payload is {payload.Length} bytes; akka.remote.shm carries at most {_peer.MaximumPayloadBytes} (maximum-payload-bytes).");
        return Volatile.Read(ref _closed) == 0 && _peer.Send(LinkFrameKind.Payload, this, payload.Span);
    }

    // Akka.Remote 1.5 marks the parameterless Disassociate obsolete in favour of Disassociate(reason, log), which calls
    // it: it is still the one abstract member a transport implements.
#pragma warning disable CS0672, CS0618
    /// <summary>Closes the association: the peer is told (its side hears Disassociated), and so is this side's listener, as a closed socket does.</summary>
    public override void Disassociate()
#pragma warning restore CS0672, CS0618
    {
        if (!TryClose())
            return;
        _peer.Closed(this, tellPeer: true);
        Raise(new Disassociated(DisassociateInfo.Unknown));
    }

    /// <summary>A payload from the peer (on the inbox reader's thread): copied, since the reader reuses its buffer.</summary>
    public void Deliver(ReadOnlySpan<byte> payload)
    {
        if (Volatile.Read(ref _closed) == 0)
            Raise(new InboundPayload(ByteString.CopyFrom(payload)));
    }

    /// <summary>The peer closed the association, or its node went down or left: the listener hears it once.</summary>
    public void Close(DisassociateInfo reason)
    {
        if (TryClose())
            Raise(new Disassociated(reason));
    }

    private bool TryClose() => Interlocked.Exchange(ref _closed, 1) == 0;

    private void Raise(IHandleEvent handleEvent)
    {
        IHandleEventListener? listener = Volatile.Read(ref _listener);
        if (listener is null)
        {
            lock (_gate)
            {
                if (_waiting is not null)
                {
                    _waiting.Add(handleEvent);
                    return;
                }
                listener = _listener!;
            }
        }
        listener.Notify(handleEvent);
    }

    private void Attach(IHandleEventListener listener)
    {
        // Replays what waited, then goes live; under the gate, so nothing raised meanwhile overtakes the replay.
        lock (_gate)
        {
            foreach (IHandleEvent waiting in _waiting!)
                listener.Notify(waiting);
            _waiting = null;
            Volatile.Write(ref _listener, listener);
        }
    }
}
