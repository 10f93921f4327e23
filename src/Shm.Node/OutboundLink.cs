using Shm.Primitives;

namespace Shm.Node;

/// <summary>
/// The way to one incarnation of another node: its inbox ring, plus a bounded buffer that absorbs a full ring so
/// <c>Tell</c> never blocks. A message that fits one <see cref="InboxCell"/> with nothing buffered before it takes one
/// lock-free enqueue; anything else goes through the link's lock. Order is kept: once anything is buffered, later
/// messages queue behind it until the drain (an async wait on the ring, no thread) has moved it all. Past the bound,
/// and once the node is down, writes are refused.
/// </summary>
internal sealed class OutboundLink : IDisposable
{
    private const int ClosedBit = int.MinValue;

    private readonly object _gate = new();
    private readonly Queue<byte[]> _pending = new();
    private readonly ShmQueue<InboxCell> _inbox;
    private readonly long _origin;
    private readonly int _bound;
    private readonly Action<int> _dropped;
    private int _pendingCount; // _pending.Count, published for the lock-free path
    private int _headSent; // bytes of the front pending message already in the ring (a long one goes in by cells)
    private int _users; // lock-free senders inside the mapping; ClosedBit once Dispose has begun
    private bool _draining;
    private bool _closed;

    /// <param name="inbox">The destination node's inbox (owned by the link from now on).</param>
    /// <param name="origin">This node's incarnation, written into every cell (how the reader routes it).</param>
    /// <param name="bound">Messages the buffer holds at most.</param>
    /// <param name="dropped">Told how many buffered messages were never delivered when the link closes.</param>
    public OutboundLink(ShmQueue<InboxCell> inbox, long origin, int bound, Action<int> dropped)
    {
        _inbox = inbox;
        _origin = origin;
        _bound = bound;
        _dropped = dropped;
    }

    /// <summary>Delivers <paramref name="message"/> into the ring or buffers it; false when it was not accepted (link closed or buffer full).</summary>
    public bool Send(ReadOnlySpan<byte> message)
    {
        // Nothing buffered means nothing this sender sent before is still waiting (it would have raised the count
        // before that Send returned), so a short message may go straight in, concurrently with other senders.
        if (message.Length <= InboxCell.MaxPayload && Volatile.Read(ref _pendingCount) == 0)
        {
            if (Interlocked.Increment(ref _users) < 0)
            {
                Interlocked.Decrement(ref _users);
                return false; // closed: the mapping may be gone
            }
            try
            {
                if (_inbox.TryEnqueue(new InboxCell.Writer(_origin, message)))
                    return true;
            }
            finally
            {
                Interlocked.Decrement(ref _users);
            }
        }
        return SendInOrder(message);
    }

    private bool SendInOrder(ReadOnlySpan<byte> message)
    {
        lock (_gate)
        {
            // Every touch of the mapping on this path happens under the gate, so Dispose never unmaps it under us.
            if (_closed)
                return false;
            int sent = 0;
            if (_pending.Count == 0 && Push(message, ref sent))
                return true;
            if (sent == 0 && _pending.Count >= _bound)
                return false; // a message partly in the ring is kept whatever the bound: its cells must be finished
            _pending.Enqueue(message.ToArray());
            if (_pending.Count == 1)
                _headSent = sent;
            Volatile.Write(ref _pendingCount, _pending.Count);
            if (_draining)
                return true;
            _draining = true;
        }
        _ = DrainAsync();
        return true;
    }

    /// <summary>Pushes the cells of <paramref name="message"/> from byte <paramref name="sent"/> on; true once all are in the ring.</summary>
    private bool Push(ReadOnlySpan<byte> message, ref int sent)
    {
        if (message.Length <= InboxCell.MaxPayload)
            return _inbox.TryEnqueue(new InboxCell.Writer(_origin, message));
        while (sent < message.Length)
        {
            int share = Math.Min(InboxCell.MaxPayload, message.Length - sent);
            ushort flags = (ushort)((sent > 0 ? InboxCell.Continued : 0) | (sent + share < message.Length ? InboxCell.More : 0));
            if (!_inbox.TryEnqueue(new InboxCell.Writer(_origin, flags, message.Length, message.Slice(sent, share))))
                return false;
            sent += share;
        }
        return true;
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            ValueTask<bool> room;
            lock (_gate)
            {
                while (!_closed && _pending.Count > 0 && Push(_pending.Peek(), ref _headSent))
                {
                    _pending.Dequeue();
                    _headSent = 0;
                }
                Volatile.Write(ref _pendingCount, _pending.Count);
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

    /// <summary>Closes the link (the node went down or this node stops): buffered messages are dropped and counted.</summary>
    public void Dispose()
    {
        int left;
        lock (_gate)
        {
            if (_closed)
                return;
            _closed = true;
            left = _pending.Count;
            _pending.Clear();
        }
        // Lock-free senders that got in before the mark finish their one enqueue; later ones see it and refuse.
        Interlocked.Or(ref _users, ClosedBit);
        SpinWait wait = default;
        while ((Volatile.Read(ref _users) & ~ClosedBit) != 0)
            wait.SpinOnce();
        _inbox.Dispose();
        if (left > 0)
            _dropped(left);
    }
}
