using Shm.Actors;
using Shm.Actors.Internal;

namespace Shm.Transport.Remoting;

/// <summary>
/// Tells messages arriving on one transport reader (the inbox reader, the ask server, a topic reader) to their local recipients. While
/// the actors answering here are quick (their turns run at most <see cref="Limit"/> on average), an idle recipient's
/// turn runs on the calling thread: the message and its reply then cost no thread-pool hand-off (the wake-up of an idle
/// worker, several microseconds, and a core the two nodes' threads compete for). A slow actor makes the average rise
/// and turns go to the pool again, so one slow actor cannot hold up the others' messages for long; one that blocks is
/// the reader's watchdog's business (see <see cref="Driver.WatchedReader"/>).
/// </summary>
/// <remarks>
/// Used by one thread at a time (a reader taken over by the watchdog may still finish a turn here: the average is a
/// heuristic, and such a race only blurs it). One turn in <see cref="SampleEvery"/> is timed, because a clock read costs
/// about as much as a short turn's own work; a timed turn weighs a quarter of the average, so two slow ones in a row
/// (at most 2 × <see cref="SampleEvery"/> turns) send turns to the pool.
/// </remarks>
internal sealed class InlineTurns
{
    /// <summary>The longest average inline turn before turns go back to the thread pool.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromMicroseconds(50);

    /// <summary>Turns per timed turn.</summary>
    public const int SampleEvery = 8;

    private static readonly long s_limitTicks = (long)(Limit.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
    private long _averageTicks;
    private uint _turns;

    /// <summary>Tells <paramref name="message"/>, running the recipient's turn here when it is local, idle and turns are quick.</summary>
    public void Tell(IActorRef recipient, object message, IActorRef? sender) => Tell(recipient, message, sender, Driver.ReaderLease.Held);

    /// <summary>Tell from a reader whose loop is not a thread of its own (it passes its lease rather than holding it on a thread).</summary>
    /// <param name="recipient">The recipient.</param>
    /// <param name="message">The message.</param>
    /// <param name="sender">The sender, or null.</param>
    /// <param name="lease">The reader's lease, told of an inline turn for its watchdog; null: no watchdog.</param>
    public void Tell(IActorRef recipient, object message, IActorRef? sender, Driver.ReaderLease? lease)
    {
        if (recipient is not LocalActorRef local || _averageTicks > s_limitTicks)
        {
            recipient.Tell(message, sender);
            _averageTicks -= _averageTicks >> 6; // decays while turns go to the pool, so inlining is tried again
            return;
        }
        var envelope = new Actors.Dispatch.Envelope(message, sender);
        bool timed = (++_turns & (SampleEvery - 1)) == 0;
        long start = timed ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
        local.Cell.Mailbox.PostAndRunIfIdle(local, envelope, lease);
        if (!timed)
            return;
        // A sample counts at most 4 limits: one outlier (a first call's JIT, a GC) must not send turns to the pool for long.
        long ticks = Math.Min(System.Diagnostics.Stopwatch.GetTimestamp() - start, 4 * s_limitTicks);
        _averageTicks += (ticks - _averageTicks) >> 2;
    }
}
