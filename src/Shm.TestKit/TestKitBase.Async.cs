namespace Shm.TestKit;

public abstract partial class TestKitBase
{
    /// <summary>Async twin of <see cref="ExpectMsg{T}(TimeSpan?, string?)"/>: waits without holding a thread.</summary>
    public async Task<T> ExpectMsgAsync<T>(TimeSpan? timeout = null, string? hint = null, CancellationToken cancellationToken = default)
    {
        TimeSpan wait = Resolve(timeout);
        ReceivedMessage received = await TakeOneAsync(wait, cancellationToken).ConfigureAwait(false)
            ?? throw Fail($"Timeout ({wait.TotalMilliseconds:0} ms) while waiting for a message of type {typeof(T).Name}", hint);
        return Check<T>(received, static (_, _) => true, "", hint);
    }

    /// <summary>Async twin of <see cref="ExpectMsg{T}(Predicate{T}, TimeSpan?, string?)"/>.</summary>
    public async Task<T> ExpectMsgAsync<T>(Predicate<T> isMessage, TimeSpan? timeout = null, string? hint = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(isMessage);
        TimeSpan wait = Resolve(timeout);
        ReceivedMessage received = await TakeOneAsync(wait, cancellationToken).ConfigureAwait(false)
            ?? throw Fail($"Timeout ({wait.TotalMilliseconds:0} ms) while waiting for a message of type {typeof(T).Name} matching the predicate", hint);
        return Check<T>(received, (m, _) => isMessage(m), " matching the predicate", hint);
    }

    /// <summary>Async twin of <see cref="ExpectNoMsg(TimeSpan, string?)"/>.</summary>
    public async Task ExpectNoMsgAsync(TimeSpan duration, string? hint = null, CancellationToken cancellationToken = default)
    {
        TimeSpan wait = Dilated(duration);
        if (await TakeOneAsync(wait, cancellationToken).ConfigureAwait(false) is { } received)
            throw Fail($"Expected no message for {wait.TotalMilliseconds:0} ms, but received {received.Message} from {received.Sender}", hint);
    }

    /// <summary>Async twin of <see cref="ReceiveOne"/>.</summary>
    public async Task<object?> ReceiveOneAsync(TimeSpan? max = null, CancellationToken cancellationToken = default) =>
        (await TakeOneAsync(Resolve(max), cancellationToken).ConfigureAwait(false))?.Message;

    /// <summary>Async twin of <see cref="ExpectTerminated"/>.</summary>
    public Task<Terminated> ExpectTerminatedAsync(IActorRef target, TimeSpan? timeout = null, string? hint = null, CancellationToken cancellationToken = default) =>
        ExpectMsgAsync<Terminated>(t => t.ActorRef.Equals(target), timeout, hint ?? $"Terminated of {target}", cancellationToken);
}
