using Akka.Configuration;
using Akka.Dispatch;
using Shm.Node;

namespace Shm.Transport.Remote;

/// <summary>
/// An executor for Akka dispatchers that lets the shm inbox reader run the turn it schedules itself. When the reader
/// delivers a message (from the direct path or Akka.Remote's pipeline) to an idle actor, Akka schedules that actor's
/// mailbox; on the reader's thread, while actors' turns stay quick (a sampled average of at most 50 µs), the mailbox
/// runs right there instead of waking a thread-pool worker: a message and its reply then cost no thread hand-off.
/// A turn that an inline turn schedules (its mailbox's throughput ran out with messages left, or it told an idle actor)
/// runs on the reader too, after the batch's other turns, up to a bound per batch. Everything else (any other thread,
/// slow actors, turns past the bound) goes to the .NET thread pool as Akka's default executor sends it. A turn that
/// blocks the reader is found by the reader's watchdog, which starts a new reader after 100–200 ms; the stuck turn
/// keeps its thread, and each sender's order holds.
/// </summary>
/// <example><code>
/// akka.actor.default-dispatcher.executor = "Shm.Transport.Remote.ShmReaderExecutorConfigurator, Shm.Transport"
/// </code></example>
public sealed class ShmReaderExecutorConfigurator : ExecutorServiceConfigurator
{
    /// <summary>Created by Akka's dispatcher configuration from the dispatcher's <c>executor</c> key.</summary>
    public ShmReaderExecutorConfigurator(Config config, IDispatcherPrerequisites prerequisites) : base(config, prerequisites)
    {
    }

    /// <inheritdoc />
    public override ExecutorService Produce(string id) => new ReaderExecutor(id);

    private sealed class ReaderExecutor(string id) : ExecutorService(id)
    {
        [ThreadStatic]
        private static bool t_inTurn;

        [ThreadStatic]
        private static QuickTurns t_turns;

        // What a reader runs at the end of its batch: inline while turns stay quick, as when it was scheduled.
        private static readonly Action<IThreadPoolWorkItem> s_runDeferred = static turn =>
        {
            ReaderLease? lease = ReaderLease.Held;
            if (lease is null || lease.IsRevoked || !t_turns.AreQuick)
                ThreadPool.UnsafeQueueUserWorkItem(turn, preferLocal: true);
            else
                RunInline(lease, turn);
        };

        public override void Execute(IRunnable run)
        {
            ReaderLease? lease = ReaderLease.Held;
            if (lease is not null && !lease.IsRevoked && t_turns.AreQuick)
            {
                // Scheduled by an inline turn (its own mailbox, throughput spent, or an actor it told), it is taken
                // only while the batch has room for it, and never runs nested inside the running turn.
                if (lease.TryDefer(run, s_runDeferred))
                    return;
                if (!t_inTurn)
                {
                    RunInline(lease, run);
                    return;
                }
            }
            else if (lease is not null && !t_inTurn)
            {
                t_turns.Skipped();
            }
            // As Akka's default executor queues it: on the calling worker's own queue, when it is a pool worker.
            ThreadPool.UnsafeQueueUserWorkItem(run, preferLocal: true);
        }

        private static void RunInline(ReaderLease lease, IThreadPoolWorkItem run)
        {
            // Marked as a turn for the watchdog only once the mailbox is scheduled: what the reader delivers after a
            // take-over queues behind it in the same mailbox.
            t_inTurn = true;
            long start = t_turns.Begin();
            lease.TurnBegun();
            try
            {
                run.Execute();
            }
            finally
            {
                lease.TurnEnded();
                t_turns.Ended(start);
                t_inTurn = false;
            }
        }

        public override void Shutdown()
        {
        }
    }
}
