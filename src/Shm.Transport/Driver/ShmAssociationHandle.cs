using Shm.Actors;
using Shm.Transport.Membership;
using Shm.Transport.Spi;

namespace Shm.Transport.Driver;

/// <summary>
/// The shm driver's link to one incarnation of another node: writes go into that node's inbox ring (through the
/// ordered, bounded <see cref="OutboundLink"/>); inbound payloads are the messages of this node's inbox whose origin
/// is that incarnation. Events wait, in order, until the owner sets its listener.
/// </summary>
internal sealed class ShmAssociationHandle : AssociationHandle
{
    private readonly OutboundLink _link;
    private readonly object _gate = new();
    private readonly InboundPayload _payload = new(); // reused: valid during Notify only
    private List<object>? _waiting = []; // events before the listener: byte[] payload copies or IHandleEvent
    private IHandleEventListener? _listener;

    public ShmAssociationHandle(Address local, Address remote, NodeEntry peer, OutboundLink link) : base(local, remote)
    {
        Peer = peer;
        _link = link;
        ReadHandlerSource.Task.ContinueWith(static (task, state) => ((ShmAssociationHandle)state!).Attach(task.Result),
            this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously | TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }

    /// <summary>The directory entry of the other node (name, incarnation, pid).</summary>
    public NodeEntry Peer { get; }

    public override bool Write(ReadOnlySpan<byte> payload) => _link.Send(payload);

    public override void Disassociate(DisassociateInfo reason) => Close(reason);

    /// <summary>The link is gone (the node died or left, or this node stops): the listener hears it once.</summary>
    public void Close(DisassociateInfo reason)
    {
        _link.Dispose();
        Raise(new Disassociated(reason));
    }

    /// <summary>A message from this handle's peer, on the inbox reader's thread.</summary>
    public void Deliver(byte[] buffer, int offset, int length)
    {
        IHandleEventListener? listener = Volatile.Read(ref _listener);
        if (listener is null)
        {
            lock (_gate)
            {
                if (_waiting is not null)
                {
                    _waiting.Add(buffer.AsSpan(offset, length).ToArray());
                    return;
                }
                listener = _listener!;
            }
        }
        _payload.Payload = new ReadOnlyMemory<byte>(buffer, offset, length);
        listener.Notify(_payload);
    }

    public void Raise(IHandleEvent handleEvent)
    {
        lock (_gate)
        {
            if (_waiting is not null)
            {
                _waiting.Add(handleEvent);
                return;
            }
        }
        _listener!.Notify(handleEvent);
    }

    private void Attach(IHandleEventListener listener)
    {
        // Replays what waited, then goes live. Held under the gate so nothing overtakes the replay.
        lock (_gate)
        {
            foreach (object waiting in _waiting!)
            {
                if (waiting is byte[] bytes)
                {
                    _payload.Payload = bytes;
                    listener.Notify(_payload);
                }
                else
                {
                    listener.Notify((IHandleEvent)waiting);
                }
            }
            _waiting = null;
            Volatile.Write(ref _listener, listener);
        }
    }
}
