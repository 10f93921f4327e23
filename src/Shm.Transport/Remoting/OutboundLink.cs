using Shm.Actors;
using Shm.Primitives;

namespace Shm.Transport.Remoting;

/// <summary>
/// The way to one incarnation of another node: its inbox ring, plus a bounded buffer that absorbs a full ring so
/// <c>Tell</c> never blocks. Order is kept: once anything is buffered, later messages queue behind it until the
/// drain (an async wait on the ring, no thread) has moved it all. Past the bound, and once the node is down, messages
/// become dead letters.
/// </summary>
internal sealed class OutboundLink : IDisposable
{
    private readonly object _gate = new();
    private readonly Queue<Pending> _pending = new();
    private readonly ShmByteQueue _inbox;
    private readonly int _bound;
    private readonly Action<Pending> _deadLetter;
    private bool _draining;
    private bool _closed;

    /// <summary>A message waiting in the buffer: its envelope, and what a dead letter reports if it is never delivered.</summary>
    internal readonly record struct Pending(byte[] Envelope, object Message, IActorRef? Sender, IActorRef Recipient);

    public OutboundLink(string node, long incarnation, ShmByteQueue inbox, int bound, Action<Pending> deadLetter)
    {
        Node = node;
        Incarnation = incarnation;
        _inbox = inbox;
        _bound = bound;
        _deadLetter = deadLetter;
    }

    public string Node { get; }

    public long Incarnation { get; }

    /// <summary>Messages waiting in the buffer.</summary>
    public int Buffered
    {
        get
        {
            lock (_gate)
                return _pending.Count;
        }
    }

    /// <summary>Delivers the envelope or buffers it; false when it must become a dead letter (link closed or buffer full).</summary>
    public bool Send(ReadOnlySpan<byte> envelope, object message, IActorRef? sender, IActorRef recipient)
    {
        lock (_gate)
        {
            if (_closed)
                return false;
            if (_pending.Count == 0 && _inbox.TryEnqueue(envelope))
                return true;
            if (_pending.Count >= _bound)
                return false;
            _pending.Enqueue(new Pending(envelope.ToArray(), message, sender, recipient));
            if (_draining)
                return true;
            _draining = true;
        }
        _ = DrainAsync();
        return true;
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            ValueTask<bool> room;
            lock (_gate)
            {
                // Every touch of the mapping happens under the gate, so Dispose never unmaps it under a drain.
                while (!_closed && _pending.Count > 0 && _inbox.TryEnqueue(_pending.Peek().Envelope))
                    _pending.Dequeue();
                if (_closed || _pending.Count == 0)
                {
                    _draining = false;
                    return;
                }
                room = _inbox.WaitToWriteAsync(CancellationToken.None);
            }
            try
            {
                await room.ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return; // closed: Dispose dead-letters what is left
            }
        }
    }

    /// <summary>Closes the link (the node went down or this node stops): buffered messages become dead letters.</summary>
    public void Dispose()
    {
        Pending[] left;
        lock (_gate)
        {
            if (_closed)
                return;
            _closed = true;
            left = [.. _pending];
            _pending.Clear();
        }
        _inbox.Dispose();
        foreach (Pending pending in left)
            _deadLetter(pending);
    }
}
