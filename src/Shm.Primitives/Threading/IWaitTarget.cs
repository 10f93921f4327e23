using Shm.Primitives.Participants;

namespace Shm.Primitives.Threading;

/// <summary>A primitive whose waiters can look at why they are waiting (and repair what a dead process left).</summary>
internal interface IWaitTarget
{
    /// <summary>
    /// Called between a sleeper's attempts. Returns true while something the waiter depends on is in flight
    /// (claimed but not committed), so it sleeps in short slices and looks again soon.
    /// </summary>
    bool ExamineWhileWaiting(ThreadParticipant me, bool consumerSide);
}

/// <summary>One try of a blocking operation, repeated by <see cref="SleepCoordinator.Wait{TTarget, TAttempt}"/>.</summary>
internal interface IWaitAttempt
{
    bool TryOnce();
}
