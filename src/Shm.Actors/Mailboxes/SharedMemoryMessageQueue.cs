using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;
using Akka.Event;
using Shm.Primitives;

using Shm.Transport.Remote;

namespace Shm.Actors.Mailboxes;

// The records of an shm mailbox's ring (one ShmByteQueue message each):
//
//   an envelope  EnvelopeFormat's layout (kind 1 = user message): the recipient's path, the sender's path with its
//                address, serializer id, manifest, payload. Written by local Tells (Enqueue) and by direct-path
//                senders on other nodes, straight into the ring.
//   a marker     offset 0: 0xFF; offsets 1-8: a sequence number (little-endian) this process keeps the message of
//                (one Akka handles itself: PoisonPill, Kill, Identify, Terminated). A crashed owner's markers stand
//                for nothing and are skipped.
//
// Every record is validated before use (EnvelopeFormat.TryRead, the marker's exact length); a malformed one is dropped.

/// <summary>
/// The queue of one actor with <see cref="ShmMailboxType"/>: its ring. Writers in other processes put messages into the
/// ring without this process knowing, while Akka drains a queue only when a local post schedules its actor; so a
/// watcher thread sleeps on the ring while the actor is idle and, when something arrives, tells the actor a wake-up
/// that this queue does not keep (the post schedules the actor, whose turn then takes from the ring). The turn reports
/// back when it finds the ring empty. The message the actor has taken stays at the ring's front until it takes the
/// next (peek, then take): a kill in between leaves it for the replacement.
/// </summary>
internal sealed class SharedMemoryMessageQueue : IMessageQueue
{
    private const byte MarkerKind = 0xFF;
    private const int MarkerLength = 9;
    private static readonly TimeSpan s_wakeInterval = TimeSpan.FromMilliseconds(100);

    private readonly IActorRef _owner;
    private readonly ExtendedActorSystem _system;
    private readonly DirectPath _direct;
    private readonly ShmByteQueue _ring;
    private readonly byte[] _ownerPath; // the recipient field of the envelopes this process writes
    private readonly DirectInbound _inbound; // the owner's turns only (one at a time): its caches are single-threaded
    private readonly ManualResetEventSlim _drained = new(initialState: false);
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _watcher;
    private readonly ConcurrentDictionary<long, Envelope> _inProcess = new(); // PoisonPill & co., by marker sequence
    private readonly ArrayBufferWriter<byte> _taken = new(256);
    private long _nextMarker;
    private bool _inHand; // the front of the ring is the message the actor took last

    public SharedMemoryMessageQueue(IActorRef owner, ExtendedActorSystem system, DirectPath direct, ShmByteQueue ring)
    {
        _owner = owner;
        _system = system;
        _direct = direct;
        _ring = ring;
        _ownerPath = System.Text.Encoding.UTF8.GetBytes(owner.Path.ToStringWithoutAddress());
        _inbound = new DirectInbound(system, system.Provider.DefaultAddress);
        _watcher = new Thread(Watch) { IsBackground = true, Name = $"Shm mailbox {owner.Path.Name}" };
        _watcher.Start();
    }

    /// <summary>Whether the ring holds a message the actor has not taken yet (an empty answer lets the watcher sleep again).</summary>
    public bool HasMessages
    {
        get
        {
            bool has = _ring.Count > (Volatile.Read(ref _inHand) ? 1 : 0);
            if (!has)
                _drained.Set();
            return has;
        }
    }

    /// <summary>Messages in the ring not taken yet.</summary>
    public int Count => (int)Math.Min(int.MaxValue, Math.Max(0, _ring.Count - (Volatile.Read(ref _inHand) ? 1 : 0)));

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        if (envelope.Message is MailboxWake)
            return; // its post has scheduled the actor: that was all it was for
        bool written;
        try
        {
            written = envelope.Message is IAutoReceivedMessage ? TryWriteMarker(envelope) : _direct.TryWriteToRing(_ring, _ownerPath, envelope.Message, envelope.Sender);
        }
        catch (Exception error)
        {
            _system.Log.Error(error, "A message of {0} for {1} could not be serialized into its shm mailbox: {2}", envelope.Message.GetType(), receiver.Path, error.Message);
            written = false;
        }
        if (!written)
            _system.DeadLetters.Tell(new DeadLetter(envelope.Message, envelope.Sender ?? ActorRefs.NoSender, receiver), envelope.Sender ?? ActorRefs.NoSender);
    }

    public bool TryDequeue(out Envelope envelope)
    {
        CommitInHand();
        while (_ring.TryPeek(out byte[] record))
        {
            if (record.Length == MarkerLength && record[0] == MarkerKind)
            {
                Take(); // a marker is not worth keeping through a crash: what it stands for dies with this process
                if (_inProcess.TryRemove(BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(1)), out envelope))
                    return true;
                continue; // a crashed owner's
            }
            // Every record of the ring is for the owner, whatever path its writer put in the recipient field (a local
            // post writes the path without the address, a direct ref its own, with the uid of the actor it resolved,
            // maybe a dead predecessor's): nothing to resolve.
            if (EnvelopeFormat.TryRead(record, out EnvelopeView view) && view.Kind == EnvelopeFormat.UserMessage
                && _inbound.TryReadMessage(record, view, _owner, out object? message))
            {
                Volatile.Write(ref _inHand, true);
                envelope = new Envelope(message, _inbound.SenderOf(record, view));
                return true;
            }
            Take(); // malformed, or not readable here (counted by the inbound reader): dropped
        }
        _drained.Set();
        envelope = default;
        return false;
    }

    /// <summary>The actor stopped: the message it had is done; the rest stays in the ring for the next actor at this path.</summary>
    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        CommitInHand();
        _stop.Cancel();
        if (Thread.CurrentThread != _watcher)
            _watcher.Join();
        _ring.Dispose();
    }

    /// <summary>The actor's turn with the message at the front has returned (Akka takes the next only then): it leaves the ring.</summary>
    private void CommitInHand()
    {
        if (!_inHand)
            return;
        Take();
        Volatile.Write(ref _inHand, false);
    }

    private void Take()
    {
        _taken.ResetWrittenCount();
        _ring.TryDequeue(_taken);
    }

    private bool TryWriteMarker(Envelope envelope)
    {
        long sequence = Interlocked.Increment(ref _nextMarker);
        _inProcess[sequence] = envelope;
        Span<byte> marker = stackalloc byte[MarkerLength];
        marker[0] = MarkerKind;
        BinaryPrimitives.WriteInt64LittleEndian(marker[1..], sequence);
        if (_ring.TryEnqueue(marker))
            return true;
        _inProcess.TryRemove(sequence, out _);
        return false;
    }

    private void Watch()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                if (!_ring.WaitUntilMayHaveMessages(s_wakeInterval, _stop.Token))
                    continue;
                _drained.Reset();
                _owner.Tell(MailboxWake.Instance, ActorRefs.NoSender);
                _drained.Wait(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }


    /// <summary>The post that schedules the actor for what other processes wrote; never kept.</summary>
    private sealed class MailboxWake
    {
        public static readonly MailboxWake Instance = new();
    }
}
