using Shm.Primitives;

namespace Shm.Transport.Driver;

/// <summary>
/// The way to one incarnation of another node: its inbox ring, plus a bounded buffer that absorbs a full ring so
/// <c>Tell</c> never blocks. Order is kept: once anything is buffered, later messages queue behind it until the
/// drain (an async wait on the ring, no thread) has moved it all. Past the bound, and once the node is down, writes
/// are refused.
/// </summary>
internal sealed class OutboundLink : IDisposable
{
    /// <summary>Bytes before the payload in every inbox frame: the origin's incarnation.</summary>
    public const int FrameHeaderBytes = sizeof(long);

    private readonly object _gate = new();
    private readonly Queue<byte[]> _pending = new();
    private readonly ShmByteQueue _inbox;
    private readonly int _bound;
    private readonly Action<int> _dropped;
    private bool _draining;
    private bool _closed;

    /// <param name="inbox">The destination node's inbox (owned by the link from now on).</param>
    /// <param name="bound">Payloads the buffer holds at most.</param>
    /// <param name="dropped">Told how many buffered payloads were never delivered when the link closes.</param>
    public OutboundLink(ShmByteQueue inbox, int bound, Action<int> dropped)
    {
        _inbox = inbox;
        _bound = bound;
        _dropped = dropped;
    }

    /// <summary>
    /// Delivers the frame [<paramref name="origin"/> (8 bytes)][<paramref name="payload"/>] or buffers it; false when it
    /// was not accepted (link closed or buffer full).
    /// </summary>
    public bool Send(long origin, ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[FrameHeaderBytes];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(header, origin);
        lock (_gate)
        {
            if (_closed)
                return false;
            if (_pending.Count == 0 && _inbox.TryEnqueue(header, payload))
                return true;
            if (_pending.Count >= _bound)
                return false;
            byte[] frame = new byte[FrameHeaderBytes + payload.Length];
            header.CopyTo(frame);
            payload.CopyTo(frame.AsSpan(FrameHeaderBytes));
            _pending.Enqueue(frame);
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
                while (!_closed && _pending.Count > 0 && _inbox.TryEnqueue(_pending.Peek()))
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

    /// <summary>Closes the link (the node went down or this node stops): buffered payloads are dropped and counted.</summary>
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
        _inbox.Dispose();
        if (left > 0)
            _dropped(left);
    }
}
