namespace Shm.Actors.Dispatch;

/// <summary>
/// Told when a turn that <see cref="Mailbox.PostAndRunIfIdle"/> runs on the calling thread begins and ends: a transport
/// thread's watchdog uses it to find a turn that blocks the thread. <see cref="TurnBegun"/> comes once the posted message
/// is in the actor's hands (the turn is claimed), so anything posted to the actor afterwards queues behind it.
/// </summary>
internal interface IInlineTurnWatch
{
    /// <summary>The calling thread now runs the actor's turn.</summary>
    void TurnBegun();

    /// <summary>The turn has returned.</summary>
    void TurnEnded();
}
