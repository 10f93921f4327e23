using System.Collections.Concurrent;
using Shm.Primitives;
using Shm.Primitives.Threading;

namespace Shm.Node;

/// <summary>
/// The one reader of a node's inbox: a thread that takes cells one by one (each a lock-free claim, copied out before
/// its slot is released), reassembles the messages that span several and hands each message to the node for
/// dispatch. Bad input never stops it: a cell that makes no sense is skipped and counted.
/// </summary>
internal sealed class InboxReader : IDisposable
{
    // An idle reader sleeps on the ring's futex; writers and the stop token wake it, so the timeout only bounds how long
    // forgotten origins wait to be dropped. A corrupt ring is looked at again after the shorter recheck.
    private static readonly TimeSpan s_wakeInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_corruptRecheck = TimeSpan.FromMilliseconds(100);
    private const int BatchCells = 64; // cells delivered before the turns they scheduled run
    private static readonly long s_minYieldTicks = System.Diagnostics.Stopwatch.Frequency / 5000; // 200 us
    private static readonly long s_maxYieldTicks = System.Diagnostics.Stopwatch.Frequency / 50; // 20 ms
    private long _yieldTicks = s_minYieldTicks; // the reader's thread only
    private bool _idle; // the last wait ended with nothing: the next one sleeps at once (the reader's thread only)
    private readonly ShmNode _node;
    private readonly ShmQueue<InboxCell> _inbox;
    private readonly WatchedReader _thread;
    private readonly CancellationTokenSource _stop = new();
    private readonly MessageAssembler _assembler;
    private readonly ConcurrentQueue<long> _forgotten = new();
    private readonly bool _spin;

    public InboxReader(ShmNode node, ShmQueue<InboxCell> inbox, NodeOptions options)
    {
        _node = node;
        _inbox = inbox;
        _assembler = new MessageAssembler(options.MaxMessageBytes);
        _spin = options.WaitStrategy == ShmWaitStrategy.SpinThenSleep;
        _thread = new WatchedReader($"Shm inbox {options.NodeName}", Run, node.ReportStalledReader);
    }

    /// <summary>How many times a new thread took over from a reader blocked in an actor's turn.</summary>
    public int TakeOvers => _thread.TakeOvers;

    /// <summary>Messages begun by several cells and not finished yet (a racy snapshot of the reader's state).</summary>
    public int UnfinishedMessages => _assembler.InFlight;

    /// <summary>
    /// An origin went down: what it left half written is dropped (on the reader's thread, at its next cell or wake-up).
    /// Its later cells are dropped as they come, the driver listing it as departed before it calls this.
    /// </summary>
    public void Forget(long origin) => _forgotten.Enqueue(origin);

    private void Run(ReaderLease lease)
    {
        lease.Hold();
        var take = new TakenCell(new byte[InboxCell.MaxPayload]);
        while (!_stop.IsCancellationRequested)
        {
            if (!_forgotten.IsEmpty)
                ForgetOrigins();
            try
            {
                if (!_inbox.TryDequeue(ref take, out _) && !Wait(ref take))
                    continue;
            }
            catch (Exception error) when (error is OperationCanceledException or ObjectDisposedException)
            {
                return; // stopped
            }
            catch (ShmCorruptedException error)
            {
                // Another process wrote garbage into the ring's positions: report it and look again later. The
                // reader must not die of it (an exception leaving this thread would end the whole process).
                _node.ReportCorruptInbox(error);
                _stop.Token.WaitHandle.WaitOne(s_corruptRecheck);
                continue;
            }
            // The cells already waiting form a batch: the turns they schedule run once it is delivered (see ReaderLease).
            lease.BeginBatch();
            Handle(in take);
            for (int i = 1; i < BatchCells && TryTakeWaiting(ref take); i++)
                Handle(in take);
            lease.EndBatch();
            if (lease.IsRevoked)
                return; // a turn blocked this thread and another reads now: nothing here may be touched again
        }
    }

    private bool TryTakeWaiting(ref TakenCell take)
    {
        try
        {
            return _inbox.TryDequeue(ref take, out _);
        }
        catch (ShmCorruptedException error)
        {
            _node.ReportCorruptInbox(error); // the loop looks again after a wait
            return false;
        }
    }

    /// <summary>Waits for the next cell and takes it; false when the wake interval passed first.</summary>
    private bool Wait(ref TakenCell take)
    {
        // A yielding spin first: while traffic flows the next cell is usually microseconds away, and taking it at once
        // (rather than after a futex wake-up, which costs the writer a system call too) is what keeps a pipeline between
        // two nodes moving. Yielding, because the threads that run this node's actors (and the other node's) need the
        // same cores. Adaptive: the budget doubles (up to s_maxYieldTicks) each time traffic came back within it and
        // falls back to s_minYieldTicks each time it did not, so sparse traffic costs a fraction of a millisecond of
        // yielding per message while a flowing pipeline rarely sleeps (remote ping-pong with 10 clients: about 15%
        // more messages a second than a tight spin of about 100 us).
        if (_spin && !_idle)
        {
            var ready = new ReadyProbe(_inbox);
            bool seen = HotSpin.UntilYielding(ref ready, _yieldTicks);
            _yieldTicks = seen ? Math.Min(_yieldTicks * 2, s_maxYieldTicks) : s_minYieldTicks;
            if (seen && _inbox.TryDequeue(ref take, out _))
                return true;
        }
        var attempt = new TakeAttempt(_inbox, ref take);
        // An idle node spins only after traffic: a wait that timed out sleeps again at once, so a node sent nothing
        // costs one wake-up a second and no spinning.
        _idle = !_inbox.WaitAsConsumer(ref attempt, s_wakeInterval, _spin && !_idle, _stop.Token);
        return !_idle;
    }

    private void Handle(in TakenCell cell)
    {
        if (cell.Length < 0)
        {
            _node.CountCorrupt();
            return;
        }
        if (cell.Flags == 0)
        {
            if (cell.MessageLength != cell.Length)
                _node.CountCorrupt();
            else
                Deliver(cell.Origin, cell.Buffer, cell.Length);
            return;
        }
        // What a node reported down left in the ring is late, not corrupt: its messages will never be finished.
        if (_node.HasDeparted(cell.Origin))
            return;
        switch (_assembler.Add(cell.Origin, cell.Flags, cell.MessageLength, cell.Buffer.AsSpan(0, cell.Length), out byte[] message))
        {
            case AssemblyStep.Complete:
                Deliver(cell.Origin, message, cell.MessageLength);
                MessageAssembler.Return(message);
                break;
            case AssemblyStep.Corrupt:
                _node.CountCorrupt();
                break;
        }
    }

    private void Deliver(long origin, byte[] message, int length)
    {
        try
        {
            _node.Deliver(origin, message, 0, length);
        }
        catch (Exception)
        {
            _node.CountCorrupt(); // a recipient's Tell threw: the reader goes on
        }
    }

    private void ForgetOrigins()
    {
        while (_forgotten.TryDequeue(out long origin))
            _assembler.Forget(origin);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Dispose();
        _stop.Dispose();
    }

    /// <summary>The gate of the reader's take: copies the cell's header and payload out of the slot before it is released.</summary>
    private struct TakenCell(byte[] buffer) : IDequeueGate<InboxCell>
    {
        public readonly byte[] Buffer = buffer;
        public long Origin;
        public int Length; // -1: out of range (a corrupt cell)
        public ushort Flags;
        public int MessageLength;

        public readonly bool CopiesItem => false;

        public readonly bool Admits(in InboxCell item) => true;

        public bool OnTaken(in InboxCell item)
        {
            Origin = item.Origin;
            Flags = item.Flags;
            MessageLength = item.MessageLength;
            if (item.TryGetPayload(out ReadOnlySpan<byte> payload) && (Flags & ~(InboxCell.More | InboxCell.Continued)) == 0)
            {
                payload.CopyTo(Buffer);
                Length = payload.Length;
            }
            else
            {
                Length = -1;
            }
            return true;
        }
    }

    private readonly struct ReadyProbe(ShmQueue<InboxCell> inbox) : IWaitAttempt
    {
        public bool TryOnce() => inbox.MayHaveItems;
    }

    private ref struct TakeAttempt(ShmQueue<InboxCell> inbox, ref TakenCell take) : IWaitAttempt
    {
        private ref TakenCell _take = ref take;

        public bool TryOnce() => inbox.TryDequeue(ref _take, out _);
    }
}
