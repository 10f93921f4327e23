namespace Shm.Transport.Driver;

/// <summary>
/// A transport reader thread's right to read, and the record its watchdog checks for a stuck turn. The reader runs
/// actors' turns inline (see <see cref="Remoting.InlineTurns"/>), so one can block: an actor that waits for a message
/// only this reader would deliver would hang its node for good. Each inline turn is marked begun and ended here; the
/// watchdog revokes the lease of a turn it finds running at two checks in a row and starts a new reader with a new
/// lease. The stuck thread sees <see cref="IsRevoked"/> once the turn returns and stops without touching the reader's
/// state again.
/// </summary>
/// <remarks>
/// Only turns are marked, not whole deliveries: a message whose turn is running is already in its actor's hands, so
/// what the new reader delivers to that actor queues behind it and each sender's order holds. A reader merely slow
/// before that point (descheduled while deserializing, say) is never replaced: its successor could overtake it.
/// </remarks>
internal sealed class ReaderLease : Actors.Dispatch.IInlineTurnWatch
{
    private const long Revoked = -1;

    [ThreadStatic]
    private static ReaderLease? t_held;

    // (turns << 1) | 1 while a turn runs, turns << 1 between them, Revoked once taken away. Written by the holder (a
    // plain write to begin, a CAS to end) and by one revoking CAS: whichever CAS comes second fails.
    private long _state;

    /// <summary>The lease the calling thread holds, if it is a transport reader.</summary>
    public static ReaderLease? Held => t_held;

    /// <summary>Whether the lease was taken away: its thread must stop reading (once its turn has returned).</summary>
    public bool IsRevoked => Volatile.Read(ref _state) == Revoked;

    /// <summary>Makes this the calling thread's lease (the reader's loop, first thing).</summary>
    public void Hold() => t_held = this;

    /// <summary>Marks an inline turn begun (the holder's thread only, once the message is in the actor's hands).</summary>
    public void TurnBegun() => Volatile.Write(ref _state, _state | 1);

    /// <summary>Marks the turn ended (a no-op once revoked: <see cref="IsRevoked"/> tells the holder).</summary>
    public void TurnEnded() => EndTurn();

    /// <summary>Marks the turn ended; false if the lease was revoked meanwhile.</summary>
    public bool EndTurn()
    {
        long running = _state; // the holder's own write, unless revoked since (then the CAS fails)
        return running != Revoked && Interlocked.CompareExchange(ref _state, running + 1, running) == running;
    }

    /// <summary>
    /// Revokes the lease if the turn running now is the one <paramref name="seen"/> at the last check (the watchdog's
    /// thread); <paramref name="seen"/> becomes the turn running now, if any.
    /// </summary>
    public bool RevokeIfStuck(ref long seen)
    {
        long state = Volatile.Read(ref _state);
        bool stuck = state == seen && TryRevoke(state);
        seen = state;
        return stuck;
    }

    /// <summary>Revokes the lease if a turn is running (its thread then stops when the turn returns).</summary>
    public bool TryRevokeTurn() => TryRevoke(Volatile.Read(ref _state));

    private bool TryRevoke(long state) =>
        state != Revoked && (state & 1) != 0 && Interlocked.CompareExchange(ref _state, Revoked, state) == state;
}
