namespace Shm.Primitives.Participants;

/// <summary>The primitive's half of reaping a dead participant: its slot protocol decides what a claim means.</summary>
internal interface IDeadClaimResolver
{
    /// <summary>
    /// A dead thread's record announced <paramref name="claim"/> over <paramref name="count"/> positions.
    /// Repair every one of them that is still taken but not committed, or return false if that cannot be done
    /// yet (a live participant may be the real owner); true means nothing of the claim is left to repair.
    /// </summary>
    bool TryResolveDeadClaim(ulong claim, uint count);
}
