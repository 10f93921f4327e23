using System.Diagnostics;
using System.Text;
using Shm.Primitives;
using Shm.Primitives.Segments;
using Shm.Primitives.Threading;

namespace Shm.Actors.PubSub;

/// <summary>
/// This node's handle on one topic's segment (a <see cref="ShmBytePubSub"/> shared by every node of the system):
/// publishes encoded events into it and hands out this node's reader cursor. Thread-safe. Disposing waits for the
/// publishes in flight (and cancels any that wait for room), so the mapping is never removed under a publisher.
/// </summary>
internal sealed class TopicRing : IDisposable
{
    private static readonly TimeSpan s_nappingWait = TimeSpan.FromMilliseconds(100); // then the futex: a node is stalled

    private readonly ShmBytePubSub _ring;
    private readonly CancellationTokenSource _closing = new();
    private int _users = 1; // publishes in flight, plus 1 while open: Dispose drops that 1 and waits for 0

    private TopicRing(string topic, ShmBytePubSub ring)
    {
        Topic = topic;
        TopicUtf8 = Encoding.UTF8.GetBytes(topic);
        _ring = ring;
    }

    /// <summary>
    /// Opens the topic's segment, creating it with <paramref name="mode"/> and the settings' geometry if it does not
    /// exist yet (race-free across processes: exactly one creator wins, the others open what it made).
    /// </summary>
    /// <exception cref="ArgumentException">The segment name would be too long for the system's name.</exception>
    /// <exception cref="IOException">The segment cannot be created or opened, or is not a ShmBytePubSub.</exception>
    public static TopicRing Open(string system, string topic, ShmPubSubMode mode, TopicSettings settings, string segmentDirectory)
    {
        string name = TopicName.SegmentName(system, topic);
        var options = SegmentOptions.Default with { Directory = segmentDirectory };
        return new TopicRing(topic, ShmBytePubSub.CreateOrOpen(name, settings.TopicCapacity, settings.MaxEventBytes, mode, options));
    }

    /// <summary>The topic.</summary>
    public string Topic { get; }

    /// <summary>The topic as every event of it carries it (the envelope's recipient field): checked by readers.</summary>
    public byte[] TopicUtf8 { get; }

    /// <summary>The mode the segment was created with (by whichever node created it).</summary>
    public ShmPubSubMode Mode => _ring.Mode;

    /// <summary>Events the ring holds.</summary>
    public long Capacity => _ring.Capacity;

    /// <summary>The largest encoded event the ring takes.</summary>
    public int MaxEventBytes => _ring.MaxMessageBytes;

    /// <summary>The segment's name, for messages.</summary>
    public string SegmentName => _ring.Name;

    /// <summary>
    /// Publishes one encoded event. Overwrite: never waits. Backpressure: waits up to <paramref name="timeout"/> for the
    /// slowest registered node to make room.
    /// </summary>
    /// <returns>False if there was no room within the timeout, or the ring is being closed.</returns>
    /// <exception cref="ArgumentException">The event is longer than <see cref="MaxEventBytes"/>.</exception>
    public bool Publish(ReadOnlySpan<byte> encoded, TimeSpan timeout)
    {
        if (!TryEnter())
            return false;
        try
        {
            if (_ring.Publish(encoded))
                return true;
            if (timeout == TimeSpan.Zero)
                return false;
            long start = Stopwatch.GetTimestamp();
            if (AwaitRoomNapping() && _ring.Publish(encoded))
                return true;
            TimeSpan left = timeout == Timeout.InfiniteTimeSpan ? timeout : timeout - Stopwatch.GetElapsedTime(start);
            return left > TimeSpan.Zero && _ring.TryPublish(encoded, left, _closing.Token);
        }
        catch (OperationCanceledException)
        {
            return false; // the node is shutting down while this publish waited for room
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// A Backpressure ring is full: waits, napping (see Nap), until the slowest node has freed a quarter of the ring
    /// (true), or gives up after <see cref="s_nappingWait"/> (false) so a stalled node is waited for on the futex.
    /// </summary>
    /// <remarks>
    /// Why not the ring's own wait at once: a publisher sleeping on the futex is woken by every single read (each
    /// reader's cursor update is a futex wake while a publisher sleeps), so a publisher faster than its readers would
    /// pay a wake-up per event and the readers a system call per event. Waiting for a quarter of the ring without
    /// registering as a sleeper lets the readers run undisturbed (on this machine's few cores, often on the CPU this
    /// thread leaves idle) and then publishes a long run of events without waiting.
    /// </remarks>
    private bool AwaitRoomNapping()
    {
        long wanted = Math.Max(1, _ring.Capacity / 4);
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            if (_closing.IsCancellationRequested)
                return false;
            long write = _ring.WritePosition;
            if (_ring.Subscribers.MinimumCursor(write, reapDead: false) + _ring.Capacity - write >= wanted)
                return true;
            if (Stopwatch.GetElapsedTime(start) > s_nappingWait)
                return false;
            Nap.Sleep(Nap.Slice); // the core goes to the readers this publisher waits for
        }
    }

    /// <summary>A new reader cursor at the current end of the ring (registered with publishers in Backpressure mode).</summary>
    /// <exception cref="ObjectDisposedException">The ring is closed.</exception>
    public ShmByteSubscriber Subscribe()
    {
        if (!TryEnter())
            throw new ObjectDisposedException(_ring.Name);
        try
        {
            return _ring.Subscribe();
        }
        finally
        {
            Exit();
        }
    }

    private bool TryEnter()
    {
        while (true)
        {
            int users = Volatile.Read(ref _users);
            if (users == 0)
                return false;
            if (Interlocked.CompareExchange(ref _users, users + 1, users) == users)
                return true;
        }
    }

    private void Exit() => Interlocked.Decrement(ref _users);

    /// <summary>Closes this node's mapping once the publishes in flight are done. The segment file stays (see <see cref="ShmPubSub"/>).</summary>
    public void Dispose()
    {
        if (_closing.IsCancellationRequested)
            return;
        _closing.Cancel();
        Interlocked.Decrement(ref _users);
        // Publishes in flight are a copy under the ring's lock, or a wait that the cancellation just ended.
        var spin = new SpinWait();
        while (Volatile.Read(ref _users) != 0)
            spin.SpinOnce();
        _ring.Dispose();
        _closing.Dispose();
    }
}
