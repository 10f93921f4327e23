namespace Shm.Transport.Driver;

/// <summary>
/// A transport reader thread's right to read, and the record its watchdog checks for a stuck delivery. Deliveries run
/// actors' turns inline (see <see cref="Remoting.InlineTurns"/>), so one can block: an actor that waits for a message
/// only this reader would deliver would hang its node for good. The reader marks each delivery's start and end; the
/// watchdog revokes the lease of a delivery it finds running at two checks in a row and starts a new reader with a new
/// lease. The stuck thread learns it when its delivery ends (<see cref="EndDelivery"/> returns false) and stops without
/// touching the reader's state again.
/// </summary>
internal sealed class ReaderLease
{
    private const long Revoked = -1;

    // (deliveries << 1) | 1 while a delivery runs, deliveries << 1 between them, Revoked once taken away. Written by the
    // holder (a plain write to start, a CAS to end) and by one revoking CAS: whichever CAS comes second fails.
    private long _state;

    /// <summary>Marks a delivery begun (the holder's thread only).</summary>
    public void BeginDelivery() => Volatile.Write(ref _state, _state | 1);

    /// <summary>Marks the delivery ended; false if the lease was revoked meanwhile: the thread must stop reading.</summary>
    public bool EndDelivery()
    {
        long delivering = _state; // the holder's own write, unless revoked since (then the CAS fails)
        return delivering != Revoked && Interlocked.CompareExchange(ref _state, delivering + 1, delivering) == delivering;
    }

    /// <summary>
    /// Revokes the lease if the delivery running now is the one <paramref name="seen"/> at the last check (the watchdog's
    /// thread); <paramref name="seen"/> becomes the delivery running now, if any.
    /// </summary>
    public bool RevokeIfStuck(ref long seen)
    {
        long state = Volatile.Read(ref _state);
        bool stuck = state == seen && TryRevoke(state);
        seen = state;
        return stuck;
    }

    /// <summary>Revokes the lease if a delivery is running (its thread then stops when the delivery ends).</summary>
    public bool TryRevokeDelivery() => TryRevoke(Volatile.Read(ref _state));

    private bool TryRevoke(long state) =>
        state != Revoked && (state & 1) != 0 && Interlocked.CompareExchange(ref _state, Revoked, state) == state;
}
