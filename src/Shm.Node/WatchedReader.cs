namespace Shm.Node;

/// <summary>
/// A transport reader's loop (a node's inbox reader and ask server on a thread of their own, a topic reader as an async
/// loop on the thread pool), with a watchdog that replaces it when an actor's turn run inline blocks it. Every
/// <see cref="StallCheckInterval"/> the watchdog looks at the reader's <see cref="ReaderLease"/>; a turn found running
/// at two checks in a row has its lease revoked, and a new loop starts with a new lease. The stuck loop stays with the
/// blocked turn and ends once it returns.
/// </summary>
internal sealed class WatchedReader : IDisposable
{
    /// <summary>How often the watchdog looks: a turn blocked for 1 to 2 intervals hands the reading to a new loop.</summary>
    public static readonly TimeSpan StallCheckInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Take-overs reported to the owner (to log); later ones are only counted.</summary>
    public const int ReportedTakeOvers = 10;

    private readonly Func<ReaderLease, Task> _start;
    private readonly Action _onTakeOver;
    private readonly Lock _gate = new();
    private readonly Timer _watchdog;
    private ReaderLease _lease = new();
    private Task _loop;
    private long _seen;
    private int _takeOvers;
    private int _idleChecks;
    private readonly Action _wake;
    private const int IdleChecksBeforeSleep = 3;
    private bool _stopped;

    /// <summary>A reader on a thread of its own, named <paramref name="name"/>.</summary>
    /// <param name="name">The thread's name.</param>
    /// <param name="run">The reader's loop: it holds the lease (<see cref="ReaderLease.Hold"/>) and returns when stopped or once the lease is revoked.</param>
    /// <param name="onTakeOver">Called on the watchdog's thread after each of the first <see cref="ReportedTakeOvers"/> take-overs (to log it).</param>
    public WatchedReader(string name, Action<ReaderLease> run, Action onTakeOver)
        : this(lease => StartThread(name, run, lease), onTakeOver)
    {
    }

    private WatchedReader(Func<ReaderLease, Task> start, Action onTakeOver)
    {
        _start = start;
        _onTakeOver = onTakeOver;
        _wake = Wake;
        _loop = start(_lease);
        _watchdog = new Timer(static state => ((WatchedReader)state!).Check(), this, StallCheckInterval, StallCheckInterval);
    }

    /// <summary>A reader that waits asynchronously: an async loop on the thread pool, given its lease (no thread holds it).</summary>
    /// <param name="runAsync">The reader's loop: it passes the lease to the turns it runs and returns when stopped or once the lease is revoked.</param>
    /// <param name="onTakeOver">Called on the watchdog's thread after each of the first <see cref="ReportedTakeOvers"/> take-overs.</param>
    public static WatchedReader OnThreadPool(Func<ReaderLease, Task> runAsync, Action onTakeOver) =>
        new(lease => Task.Run(() => runAsync(lease)), onTakeOver);

    /// <summary>How many times a new loop took over from a blocked one.</summary>
    public int TakeOvers => Volatile.Read(ref _takeOvers);

    /// <summary>The loop reading now; it completes when that loop ends (a loop that was taken over is not waited for).</summary>
    public Task Current
    {
        get
        {
            lock (_gate)
                return _loop;
        }
    }

    private static Task StartThread(string name, Action<ReaderLease> run, ReaderLease lease)
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                run(lease);
            }
            finally
            {
                ended.TrySetResult();
            }
        }) { IsBackground = true, Name = name };
        thread.Start();
        return ended.Task;
    }

    /// <summary>A turn began while the watchdog slept: checks resume (on the turn's thread, before the turn runs).</summary>
    private void Wake()
    {
        lock (_gate)
        {
            if (_stopped)
                return;
            _idleChecks = 0;
            _watchdog.Change(StallCheckInterval, StallCheckInterval);
        }
    }

    private void Check()
    {
        int takeOvers;
        lock (_gate)
        {
            if (_stopped)
                return;
            if (_loop.IsCompleted)
            {
                // The loop ended of itself (a topic reader whose topic closed): nothing is left to watch.
                _stopped = true;
                _watchdog.Dispose();
                return;
            }
            long before = _seen;
            if (!_lease.RevokeIfStuck(ref _seen))
            {
                // No turn ran between the last checks: sleep until the next turn begins (an idle reader costs no timer).
                _idleChecks = _seen == before && (_seen & 1) == 0 ? _idleChecks + 1 : 0;
                if (_idleChecks >= IdleChecksBeforeSleep && _lease.TrySleepWatchdog(_wake, _seen))
                    _watchdog.Change(Timeout.Infinite, Timeout.Infinite);
                return;
            }
            _lease = new ReaderLease();
            _seen = 0;
            takeOvers = ++_takeOvers; // before the new loop runs: what it delivers may be what someone waits for to read this count
            _loop = _start(_lease);
        }
        if (takeOvers <= ReportedTakeOvers)
            _onTakeOver();
    }

    /// <summary>
    /// Stops the watchdog and waits for the reader to end; the owner has signalled its loop to stop first. A reader
    /// blocked in a turn is not waited for: its lease is revoked, so it touches nothing once the turn returns.
    /// </summary>
    public void Dispose()
    {
        Task loop;
        ReaderLease lease;
        lock (_gate)
        {
            if (_stopped)
                return;
            _stopped = true;
            loop = _loop;
            lease = _lease;
        }
        _watchdog.Dispose();
        while (Task.WaitAny([loop], StallCheckInterval) < 0)
        {
            if (lease.TryRevokeTurn())
                return;
        }
    }
}
