using Shm.Actors;

namespace Shm.Transport.Resilience;

/// <summary><c>Ask</c> overloads that go through an <see cref="AskResilience"/> pipeline.</summary>
public static class AskResilienceExtensions
{
    /// <summary>Asks <paramref name="target"/> with retries, a per-attempt timeout and the per-node circuit breaker of <paramref name="resilience"/>.</summary>
    public static Task<T> Ask<T>(this IActorRef target, object message, AskResilience resilience, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resilience);
        return resilience.Ask<T>(target, message, cancellationToken);
    }
}
