using Shm.Actors;
using Shm.Actors.Internal;

namespace Shm.Transport.Remoting;

/// <summary>Which refs resolved from a path in an envelope may be kept for the next envelope with that path.</summary>
internal static class ResolvedRefs
{
    /// <summary>
    /// The check for refs that may be kept: not dead letters (an unknown path may name an actor created later) and not a
    /// stopped local actor (a path without uid then names its successor). Callers keep the delegate: a method group
    /// passed per lookup would allocate one for every message.
    /// </summary>
    public static Func<IActorRef, bool> Cacheable(IActorRef deadLetters) =>
        resolved => !ReferenceEquals(resolved, deadLetters) && resolved is not InternalActorRef { IsLocal: true, IsTerminated: true };
}
