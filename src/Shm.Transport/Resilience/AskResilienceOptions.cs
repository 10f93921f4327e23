using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Shm.Actors;

namespace Shm.Transport.Resilience;

/// <summary>
/// How <see cref="AskResilience"/> asks: Polly's own retry and circuit-breaker options (bindable from configuration
/// like any Polly options), and the timeout of each attempt.
/// </summary>
public sealed class AskResilienceOptions
{
    /// <summary>
    /// Retries while a node restarts; null: no retry. Default: up to 5 retries, exponential back-off from 100 ms with
    /// jitter, on <see cref="NodeDownException"/> and <see cref="AskTimeoutException"/> (an open circuit is not retried: it exists to fail fast).
    /// </summary>
    public RetryStrategyOptions? Retry { get; set; } = new()
    {
        MaxRetryAttempts = 5,
        Delay = TimeSpan.FromMilliseconds(100),
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        ShouldHandle = args => new ValueTask<bool>(args.Outcome.Exception is NodeDownException or AskTimeoutException),
    };

    /// <summary>
    /// The circuit breaker each remote node gets its own copy of (so callers fail fast with
    /// <see cref="BrokenCircuitException"/> while that node is down, and other nodes are unaffected); null: none.
    /// Default: opens when at least half of at least 10 asks within 10 s fail with <see cref="NodeDownException"/> or <see cref="AskTimeoutException"/>, for 5 s.
    /// </summary>
    public CircuitBreakerStrategyOptions? CircuitBreaker { get; set; } = new()
    {
        FailureRatio = 0.5,
        MinimumThroughput = 10,
        SamplingDuration = TimeSpan.FromSeconds(10),
        BreakDuration = TimeSpan.FromSeconds(5),
        ShouldHandle = args => new ValueTask<bool>(args.Outcome.Exception is NodeDownException or AskTimeoutException),
    };

    /// <summary>The timeout of each attempt (the Ask's own timeout). Default 5 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (AttemptTimeout <= TimeSpan.Zero && AttemptTimeout != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(AttemptTimeout), AttemptTimeout, "AttemptTimeout must be positive (or infinite).");
    }
}
