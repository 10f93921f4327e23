using System.Collections.Concurrent;
using Shm.Actors;
using Shm.Actors.Dispatch;
using Shm.Actors.Internal;
using Shm.Primitives;
using Shm.Transport.Remoting;

namespace Shm.Transport.Mailboxes;

/// <summary>
/// The queue behind one shm mailbox: the actor's ring, its messages as transport envelopes. Writers in other processes
/// put messages into the ring without this process knowing, so a watcher thread sleeps on the ring while the actor is
/// idle and schedules the actor when something arrives; the actor's own turn reports back when it found the ring empty.
/// </summary>
internal sealed class ShmMessageQueue : IMessageQueue
{
    private static readonly TimeSpan s_wakeInterval = TimeSpan.FromMilliseconds(100);
    private readonly ShmTransportNode _node;
    private readonly IActorRef _owner;
    private readonly ShmByteQueue _ring;
    private readonly byte[] _ownerPath; // the recipient field of every envelope written here
    private readonly InboundResolver _resolver;
    private readonly ManualResetEventSlim _drained = new(initialState: false);
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _watcher;
    private readonly ConcurrentDictionary<long, Envelope> _inProcess = new(); // PoisonPill & co., by marker sequence
    private long _nextMarker;

    public ShmMessageQueue(ShmTransportNode node, IActorRef owner, ShmTransportOptions options)
    {
        _node = node;
        _owner = owner;
        _resolver = node.NewResolver();
        _ownerPath = System.Text.Encoding.UTF8.GetBytes(owner.Path.ToStringWithoutAddress());
        _ring = ShmByteQueue.CreateOrOpen(node.MailboxRingOf(owner.Path), options.MailboxCapacity, options.EffectiveArenaBytes,
            SegmentOptions.Default with { Directory = options.SegmentDirectory });
        _watcher = new Thread(Watch) { IsBackground = true, Name = $"Shm mailbox {owner.Path.Name}" };
        _watcher.Start();
    }

    public bool HasMessages
    {
        get
        {
            bool has = _ring.MayHaveMessages;
            if (!has)
                _drained.Set();
            return has;
        }
    }

    public int Count => (int)Math.Min(int.MaxValue, _ring.Count);

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        if (envelope.Message is IAutoReceivedMessage)
        {
            // Handled by the runtime, meaningful only to this process: kept here, its place in line kept in the ring.
            long sequence = Interlocked.Increment(ref _nextMarker);
            _inProcess[sequence] = envelope;
            if (_node.TryWriteMailboxMarker(_ring, sequence))
                return;
            _inProcess.TryRemove(sequence, out _);
        }
        else if (_node.TryWriteToMailbox(_ring, _ownerPath, envelope.Message, envelope.Sender))
        {
            return;
        }
        _node.DeadLetter(envelope.Message, envelope.Sender, receiver);
    }

    public bool TryDequeue(out Envelope envelope)
    {
        while (_ring.TryDequeue(out byte[] bytes))
        {
            if (_node.IsMailboxMarker(bytes, out long? sequence))
            {
                if (sequence is { } mine && _inProcess.TryRemove(mine, out envelope))
                    return true;
                continue; // a crashed owner's: what it stood for died with it
            }
            if (_node.TryReadMailboxEnvelope(_resolver, bytes, out object? message, out IActorRef? sender))
            {
                envelope = new Envelope(message, sender);
                return true;
            }
        }
        _drained.Set();
        envelope = default;
        return false;
    }

    /// <summary>The actor stopped: its messages stay in the ring for the next actor at this path.</summary>
    public void CleanUp(IActorRef owner, IActorRef deadLetters)
    {
        _stop.Cancel();
        if (Thread.CurrentThread != _watcher)
            _watcher.Join();
        _ring.Dispose();
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
                if (_owner is LocalActorRef { Cell: { } cell })
                    cell.Mailbox.Schedule();
                _drained.Wait(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

}
