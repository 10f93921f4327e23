namespace Shm.Transport.Driver;

/// <summary>
/// The thread of a transport reader (a node's inbox reader, its ask server), with a watchdog that replaces it when an
/// actor's turn run inline blocks it. Every <see cref="StallCheckInterval"/> the watchdog looks at the reader's
/// <see cref="ReaderLease"/>; a turn found running at two checks in a row has its lease revoked, and a new thread runs
/// the reader's loop with a new lease. The stuck thread stays with the blocked turn and ends once it returns.
/// </summary>
internal sealed class ReaderThread : IDisposable
{
    /// <summary>How often the watchdog looks: a turn blocked for 1 to 2 intervals hands the reading to a new thread.</summary>
    public static readonly TimeSpan StallCheckInterval = TimeSpan.FromMilliseconds(100);

    private readonly string _name;
    private readonly Action<ReaderLease> _run;
    private readonly Action<int> _onTakeOver;
    private readonly Lock _gate = new();
    private readonly Timer _watchdog;
    private ReaderLease _lease = new();
    private Thread _thread;
    private long _seen;
    private int _takeOvers;
    private bool _disposed;

    /// <param name="name">The thread's name.</param>
    /// <param name="run">The reader's loop: it holds the lease (<see cref="ReaderLease.Hold"/>) and returns when stopped or once the lease is revoked.</param>
    /// <param name="onTakeOver">Called on the watchdog's thread after a new thread took over, with the take-overs so far (to log it).</param>
    public ReaderThread(string name, Action<ReaderLease> run, Action<int> onTakeOver)
    {
        _name = name;
        _run = run;
        _onTakeOver = onTakeOver;
        _thread = Start(_lease);
        _watchdog = new Timer(static state => ((ReaderThread)state!).Check(), this, StallCheckInterval, StallCheckInterval);
    }

    /// <summary>How many times a new thread took over from a blocked one.</summary>
    public int TakeOvers => Volatile.Read(ref _takeOvers);

    private Thread Start(ReaderLease lease)
    {
        var thread = new Thread(() => _run(lease)) { IsBackground = true, Name = _name };
        thread.Start();
        return thread;
    }

    private void Check()
    {
        int takeOvers;
        lock (_gate)
        {
            if (_disposed || !_lease.RevokeIfStuck(ref _seen))
                return;
            _lease = new ReaderLease();
            _seen = 0;
            takeOvers = ++_takeOvers; // before the new thread runs: what it delivers may be what someone waits for to read this count
            _thread = Start(_lease);
        }
        _onTakeOver(takeOvers);
    }

    /// <summary>
    /// Stops the watchdog and waits for the reader to end; the owner has signalled its loop to stop first. A reader
    /// blocked in a turn is not waited for: its lease is revoked, so it touches nothing once the turn returns.
    /// </summary>
    public void Dispose()
    {
        Thread thread;
        ReaderLease lease;
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            thread = _thread;
            lease = _lease;
        }
        _watchdog.Dispose();
        while (!thread.Join(StallCheckInterval))
        {
            if (lease.TryRevokeTurn())
                return;
        }
    }
}
