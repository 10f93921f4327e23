using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using Shm.Actors;
using Shm.Actors.Internal;
using Serializer = Shm.Actors.Serialization.Serializer;
using SerializationOf = Shm.Actors.Serialization.Serialization;

namespace Shm.Bench.Remote;

/// <summary>
/// The baseline transport of the remote suite: two node systems (no shm transport) joined by one Unix domain socket.
/// A Tell to a <see cref="SocketActorRef"/> does what the shm transport's Tell does — serialize the message once with
/// <see cref="ActorSystem.Serialization"/> into an envelope carrying the recipient's path inside its node, the sender's
/// full path, the serializer id and manifest (paths and manifests encoded once and cached, as the transport does) — and
/// writes it as a length-prefixed frame. Concurrent senders group-commit: the first one in sends everything the others
/// appended meanwhile in one write. One reader thread per side decodes the frames, resolves recipient, sender and
/// manifest by their bytes (cached, as the transport's reader does), deserializes and Tells the local actor.
/// </summary>
/// <remarks>
/// Frame, little-endian: int32 length of the rest; u16 recipient bytes; u16 sender bytes; u16 manifest bytes; u16 0;
/// int32 serializer id; recipient ("/user/echo-0[#uid]"), sender ("shm://sys@node/user/x#uid"), manifest (UTF-8);
/// payload to the end. 16 bytes before the strings, as the shm transport's envelope header.
/// </remarks>
internal sealed class SocketLink : IDisposable
{
    private const int HeaderBytes = 16;
    private const int ReadBufferBytes = 1 << 20;

    [ThreadStatic]
    private static FrameBuffer? t_frame;

    private readonly ActorSystem _system;
    private readonly Socket _socket;
    private readonly string _localAddress;
    private readonly Action? _closed;
    private readonly ByteKeyCache<IActorRef> _recipients = new();
    private readonly ByteKeyCache<IActorRef> _senders = new();
    private readonly ByteKeyCache<string> _manifests = new();
    private readonly ConditionalWeakTable<IActorRef, byte[]> _senderPaths = new();
    private readonly ConcurrentDictionary<string, byte[]> _manifestBytes = new();
    private readonly ConcurrentDictionary<string, SocketActorRef> _remoteRefs = new();
    private readonly Thread _reader;
    private readonly object _gate = new();
    private byte[] _pending = new byte[64 * 1024];
    private byte[] _spare = new byte[64 * 1024];
    private int _pendingCount;
    private bool _flushing;
    private long _framesRead;
    private long _writes;
    private long _failedDispatches;

    /// <param name="system">This side's system; its <c>Node</c> makes its refs' paths carry a host.</param>
    /// <param name="socket">A connected stream socket.</param>
    /// <param name="closed">Called on the reader thread when the peer closes the connection.</param>
    public SocketLink(ActorSystem system, Socket socket, Action? closed = null)
    {
        _system = system;
        _socket = socket;
        _closed = closed;
        _localAddress = system.Provider.DefaultAddress.ToString();
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "socket link reader" };
        _reader.Start();
    }

    /// <summary>Frames this side has read and dispatched.</summary>
    public long FramesRead => Interlocked.Read(ref _framesRead);

    /// <summary>Socket writes this side made (fewer than frames sent when senders group-commit).</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>A ref to the actor at <paramref name="path"/> on the other side (a full path, with or without uid).</summary>
    public SocketActorRef RemoteRef(string path) =>
        _remoteRefs.GetOrAdd(path, static (p, link) => new SocketActorRef(link, ActorPath.Parse(p)), this);

    /// <summary>Serializes and writes one envelope; never waits for the peer beyond the socket's own send buffer.</summary>
    public void Send(SocketActorRef recipient, object message, IActorRef? sender)
    {
        Serializer serializer = _system.Serialization.FindSerializerFor(message);
        ReadOnlySpan<byte> manifest = serializer.IncludeManifest ? ManifestBytes(serializer.Manifest(message)) : default;
        ReadOnlySpan<byte> senderPath = sender is null ? default : SenderPath(sender);
        ReadOnlySpan<byte> recipientPath = recipient.PathInNodeUtf8;
        FrameBuffer frame = t_frame ??= new FrameBuffer();
        frame.Count = 0;
        int size = HeaderBytes + recipientPath.Length + senderPath.Length + manifest.Length;
        Span<byte> head = frame.GetSpan(size);
        BinaryPrimitives.WriteUInt16LittleEndian(head[4..], (ushort)recipientPath.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(head[6..], (ushort)senderPath.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(head[8..], (ushort)manifest.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(head[10..], 0);
        BinaryPrimitives.WriteInt32LittleEndian(head[12..], serializer.Identifier);
        recipientPath.CopyTo(head[HeaderBytes..]);
        senderPath.CopyTo(head[(HeaderBytes + recipientPath.Length)..]);
        manifest.CopyTo(head[(HeaderBytes + recipientPath.Length + senderPath.Length)..]);
        frame.Advance(size);
        serializer.ToBinary(message, frame);
        BinaryPrimitives.WriteInt32LittleEndian(frame.Buffer, frame.Count - 4);
        Enqueue(frame.Buffer.AsSpan(0, frame.Count));
    }

    /// <summary>The sender field: the ref's full path with uid, UTF-8, once per ref.</summary>
    private byte[] SenderPath(IActorRef sender) =>
        _senderPaths.GetValue(sender, static s => Encoding.UTF8.GetBytes(SerializationOf.SerializedActorPath(s)));

    private byte[] ManifestBytes(string manifest) => _manifestBytes.GetOrAdd(manifest, static m => Encoding.UTF8.GetBytes(m));

    /// <summary>Appends a frame; the first sender in becomes the flusher and writes until nothing is pending.</summary>
    private void Enqueue(ReadOnlySpan<byte> frame)
    {
        lock (_gate)
        {
            if (_pending.Length - _pendingCount < frame.Length)
                Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _pendingCount + frame.Length));
            frame.CopyTo(_pending.AsSpan(_pendingCount));
            _pendingCount += frame.Length;
            if (_flushing)
                return;
            _flushing = true;
        }
        while (true)
        {
            byte[] batch;
            int count;
            lock (_gate)
            {
                if (_pendingCount == 0)
                {
                    _flushing = false;
                    return;
                }
                batch = _pending;
                count = _pendingCount;
                _pending = _spare; // senders append here while this batch is written
                _spare = batch;
                _pendingCount = 0;
            }
            try
            {
                for (int sent = 0; sent < count;)
                    sent += _socket.Send(batch, sent, count - sent, SocketFlags.None);
                _writes++;
            }
            catch (Exception error) when (error is SocketException or ObjectDisposedException)
            {
                lock (_gate)
                {
                    _pendingCount = 0; // the peer is gone: what is pending is lost, as with a closed connection
                    _flushing = false;
                }
                return;
            }
        }
    }

    private void ReadLoop()
    {
        byte[] buffer = new byte[ReadBufferBytes];
        int start = 0, end = 0;
        try
        {
            while (true)
            {
                int n = _socket.Receive(buffer, end, buffer.Length - end, SocketFlags.None);
                if (n == 0)
                    break;
                end += n;
                while (end - start >= 4)
                {
                    int length = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(start));
                    if (length < HeaderBytes - 4 || length > buffer.Length - 4)
                        throw new InvalidDataException($"A frame of {length} bytes.");
                    if (end - start - 4 < length)
                        break;
                    Dispatch(buffer.AsSpan(start + 4, length));
                    start += 4 + length;
                }
                if (start == end)
                {
                    start = end = 0;
                }
                else if (buffer.Length - end < 64 * 1024)
                {
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    end -= start;
                    start = 0;
                }
            }
        }
        catch (Exception error) when (error is SocketException or ObjectDisposedException)
        {
            // closed under the reader
        }
        _closed?.Invoke();
    }

    private void Dispatch(ReadOnlySpan<byte> envelope)
    {
        _framesRead++;
        try
        {
            int recipientBytes = BinaryPrimitives.ReadUInt16LittleEndian(envelope);
            int senderBytes = BinaryPrimitives.ReadUInt16LittleEndian(envelope[2..]);
            int manifestBytes = BinaryPrimitives.ReadUInt16LittleEndian(envelope[4..]);
            int serializerId = BinaryPrimitives.ReadInt32LittleEndian(envelope[8..]);
            int at = HeaderBytes - 4;
            // Paths and manifests repeat: each is decoded and resolved once, then found by its bytes (reader thread only).
            IActorRef recipient = _recipients.GetOrAdd(envelope.Slice(at, recipientBytes),
                static (path, link) => link._system.Provider.ResolveActorRef(link._localAddress + path), this,
                static (link, resolved) => !ReferenceEquals(resolved, link._system.DeadLetters));
            at += recipientBytes;
            IActorRef? sender = senderBytes == 0
                ? null
                : _senders.GetOrAdd(envelope.Slice(at, senderBytes), static (path, link) => link.RemoteRef(path), this);
            at += senderBytes;
            string manifest = manifestBytes == 0 ? "" : _manifests.GetOrAdd(envelope.Slice(at, manifestBytes), static (text, _) => text, this);
            at += manifestBytes;
            object message = _system.Serialization.Deserialize(envelope[at..], serializerId, manifest);
            recipient.Tell(message, sender);
        }
        catch (Exception)
        {
            _failedDispatches++; // the reader goes on, as the shm transport's does
        }
    }

    /// <summary>Counters for the child's result line.</summary>
    public string Stats() => $"frames read {FramesRead}, socket writes {Writes}, failed dispatches {Interlocked.Read(ref _failedDispatches)}";

    /// <summary>Closes the connection (the peer's reader sees the end) and waits for the reader.</summary>
    public void Dispose()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // already closed by the peer
        }
        _reader.Join(TimeSpan.FromSeconds(10));
        _socket.Dispose();
    }

    /// <summary>A growable frame the serializer appends the payload to; the first 4 bytes are the length prefix.</summary>
    private sealed class FrameBuffer : IBufferWriter<byte>
    {
        public byte[] Buffer = new byte[4096];
        public int Count;

        public void Advance(int count) => Count += count;

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return Buffer.AsMemory(Count);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return Buffer.AsSpan(Count);
        }

        private void Ensure(int sizeHint)
        {
            int need = Math.Max(sizeHint, 1);
            if (Buffer.Length - Count < need)
                Array.Resize(ref Buffer, Math.Max(Buffer.Length * 2, Count + need));
        }
    }
}

/// <summary>
/// What an envelope's UTF-8 field (a path, a manifest) resolved to last time, found by its bytes (FNV-1a and a compare)
/// instead of decoding it again. Reader thread only; cleared when it reaches 65,536 entries.
/// </summary>
internal sealed class ByteKeyCache<TValue>
{
    private readonly Dictionary<ulong, (byte[] Key, TValue Value)> _entries = [];

    public TValue GetOrAdd<TState>(ReadOnlySpan<byte> key, Func<string, TState, TValue> create, TState state, Func<TState, TValue, bool>? cacheable = null)
    {
        ulong hash = 14695981039346656037;
        foreach (byte b in key)
            hash = (hash ^ b) * 1099511628211;
        if (_entries.TryGetValue(hash, out var entry) && key.SequenceEqual(entry.Key))
            return entry.Value;
        TValue value = create(Encoding.UTF8.GetString(key), state);
        if (cacheable is null || cacheable(state, value))
        {
            if (_entries.Count >= 65_536)
                _entries.Clear();
            _entries[hash] = (key.ToArray(), value);
        }
        return value;
    }
}

/// <summary>A ref to an actor on the other side of a <see cref="SocketLink"/>; compares by path and uid like every ref.</summary>
internal sealed class SocketActorRef : InternalActorRef
{
    private readonly SocketLink _link;

    public SocketActorRef(SocketLink link, ActorPath path)
    {
        _link = link;
        Path = path;
        PathInNode = path.ToStringWithoutAddress() + (path.Uid == ActorPath.UndefinedUid ? "" : "#" + path.Uid);
        PathInNodeUtf8 = Encoding.UTF8.GetBytes(PathInNode);
    }

    public override ActorPath Path { get; }

    /// <summary>The recipient field of envelopes to this actor.</summary>
    public string PathInNode { get; }

    /// <summary><see cref="PathInNode"/> as written into every envelope (encoded once).</summary>
    public byte[] PathInNodeUtf8 { get; }

    public override bool IsLocal => false;

    public override void Tell(object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        _link.Send(this, message, sender);
    }

    public override void SendSystemMessage(SystemMessage message)
    {
        // no remote DeathWatch over the baseline link
    }
}
