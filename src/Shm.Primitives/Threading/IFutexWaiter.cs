namespace Shm.Primitives.Threading;

/// <summary>An asynchronous operation parked on <see cref="FutexWaitService"/> until a futex word changes.</summary>
internal interface IFutexWaiter
{
    /// <summary>The instance the operation belongs to; disposing it removes the operation (see RemoveOwnedBy).</summary>
    object Owner { get; }

    /// <summary>
    /// Runs on the service thread, under its lock, after every wake and tick: tries to finish the operation.
    /// Returns true when finished (completed, cancelled, failed). Otherwise returns the word to sleep on and the
    /// value it held before the attempt, so a change made after the attempt wakes the service at once.
    /// </summary>
    unsafe bool Poll(out uint* word, out uint expected);

    /// <summary>Finishes the operation with an error; called under the service lock when the owner goes away.</summary>
    void Abandon(Exception error);

    /// <summary>Called (any thread) when cancellation is requested; the service finishes it on its next poll.</summary>
    void RequestCancel();
}
