using Shm.Actors.Internal;
using Xunit.Sdk;

namespace Shm.TestKit;

/// <summary>
/// A chosen event filter, ready to run code and count what it causes: the expectation holds when exactly the expected
/// number of matching events was published by the time that many arrived (or fails after the dilated 3 s leeway).
/// </summary>
public sealed class EventFilterApplier
{
    private static readonly TimeSpan s_leeway = TimeSpan.FromSeconds(3);
    private static int s_counterNumber;
    private readonly TestKitBase _kit;
    private readonly Type _channel;
    private readonly Func<object, bool> _matches;
    private readonly string _description;

    internal EventFilterApplier(TestKitBase kit, Type channel, Func<object, bool> matches, string description)
    {
        _kit = kit;
        _channel = channel;
        _matches = matches;
        _description = description;
    }

    /// <summary>Runs <paramref name="action"/> and expects exactly one matching event.</summary>
    public void ExpectOne(Action action) => Expect(1, action);

    /// <summary>Runs <paramref name="function"/>, expects exactly one matching event, and returns the function's result.</summary>
    public T ExpectOne<T>(Func<T> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        T result = default!;
        Expect(1, () => result = function());
        return result;
    }

    /// <summary>Runs <paramref name="action"/> and expects exactly <paramref name="expectedCount"/> matching events within <paramref name="timeout"/> (default 3 s, dilated).</summary>
    public void Expect(int expectedCount, Action action, TimeSpan? timeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedCount);
        ArgumentNullException.ThrowIfNull(action);
        using var counter = new Counter(_kit.Sys.Provider.RootPath / "system" / ("eventFilter" + Interlocked.Increment(ref s_counterNumber)), _matches, expectedCount);
        _kit.Sys.EventStream.Subscribe(counter, _channel);
        try
        {
            action();
            TimeSpan limit = TestKitBase.Dilated(timeout ?? s_leeway);
            // Expecting zero events means watching the whole leeway; otherwise wake as soon as the count is reached.
            counter.Reached.Wait(limit);
            int seen = Volatile.Read(ref counter.Count);
            if (seen != expectedCount)
                throw new XunitException($"Expected {expectedCount} event(s) matching {_description}, but {seen} arrived within {limit.TotalMilliseconds:0} ms.");
        }
        finally
        {
            _kit.Sys.EventStream.Unsubscribe(counter);
        }
    }

    /// <summary>Counts matching events on the publisher's thread: a bare ref, so no mailbox delays the count.</summary>
    private sealed class Counter(ActorPath path, Func<object, bool> matches, int target) : MinimalActorRef, IDisposable
    {
        public int Count;

        public ManualResetEventSlim Reached { get; } = new(false);

        public override ActorPath Path { get; } = path;

        public override void Tell(object message, IActorRef? sender)
        {
            if (matches(message) && Interlocked.Increment(ref Count) == target && target > 0) Reached.Set();
        }

        public void Dispose() => Reached.Dispose();
    }
}
