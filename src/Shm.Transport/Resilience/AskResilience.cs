using System.Collections.Concurrent;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Shm.Actors;

namespace Shm.Transport.Resilience;

/// <summary>
/// Asks through a Polly resilience pipeline: retry with back-off while a node restarts, a timeout per attempt, and a
/// circuit breaker per remote node so callers fail fast (<see cref="BrokenCircuitException"/>) while it is down. One
/// instance is meant to be shared by every asker of a system (the circuit state lives here).
/// </summary>
/// <example><code>
/// var resilience = new AskResilience(new AskResilienceOptions { AttemptTimeout = TimeSpan.FromSeconds(2) });
/// int stock = await inventory.Ask&lt;int&gt;(new GetStock("sku-1"), resilience);
/// </code></example>
public sealed class AskResilience : IDisposable
{
    private readonly AskResilienceOptions _options;
    private readonly ResiliencePipelineRegistry<string> _registry = new();
    private readonly ConcurrentDictionary<string, CircuitBreakerStateProvider> _circuits = new();

    /// <summary>Creates the pipelines' factory; nothing is built before the first ask to a node.</summary>
    /// <exception cref="ArgumentException">An option is invalid (named).</exception>
    public AskResilience(AskResilienceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>Asks <paramref name="target"/> through the pipeline of its node.</summary>
    /// <exception cref="BrokenCircuitException">The circuit of the target's node is open.</exception>
    /// <exception cref="NodeDownException">The node stayed down through every retry.</exception>
    /// <exception cref="AskTimeoutException">The last attempt timed out.</exception>
    public Task<T> Ask<T>(IActorRef target, object message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(message);
        return PipelineFor(target.Path.Address).ExecuteAsync(
            static (state, token) => new ValueTask<T>(state.Target.Ask<T>(state.Message, state.Timeout, token)),
            (Target: target, Message: message, Timeout: _options.AttemptTimeout),
            cancellationToken).AsTask();
    }

    /// <summary>The pipeline asks to actors of <paramref name="node"/> go through (built on first use).</summary>
    public ResiliencePipeline PipelineFor(Address node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return _registry.GetOrAddPipeline(node.ToString(), (builder, context) =>
        {
            if (_options.Retry is { } retry)
                builder.AddRetry(retry);
            if (_options.CircuitBreaker is { } breaker)
                builder.AddCircuitBreaker(CopyFor(context.PipelineKey, breaker));
        });
    }

    /// <summary>The state of the circuit of <paramref name="node"/> (Closed before any ask to it, or without a breaker).</summary>
    public CircuitState CircuitStateOf(Address node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return _circuits.TryGetValue(node.ToString(), out CircuitBreakerStateProvider? state) ? state.CircuitState : CircuitState.Closed;
    }

    /// <summary>A node's own breaker: the configured one with a state provider of its own (a provider serves one breaker).</summary>
    private CircuitBreakerStrategyOptions CopyFor(string node, CircuitBreakerStrategyOptions configured)
    {
        var state = new CircuitBreakerStateProvider();
        _circuits[node] = state;
        return new CircuitBreakerStrategyOptions
        {
            Name = configured.Name,
            FailureRatio = configured.FailureRatio,
            MinimumThroughput = configured.MinimumThroughput,
            SamplingDuration = configured.SamplingDuration,
            BreakDuration = configured.BreakDuration,
            BreakDurationGenerator = configured.BreakDurationGenerator,
            ShouldHandle = configured.ShouldHandle,
            OnOpened = configured.OnOpened,
            OnClosed = configured.OnClosed,
            OnHalfOpened = configured.OnHalfOpened,
            ManualControl = null,
            StateProvider = state,
        };
    }

    /// <summary>Disposes the pipelines.</summary>
    public void Dispose() => _registry.Dispose();
}
