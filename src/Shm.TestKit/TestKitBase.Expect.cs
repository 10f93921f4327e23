using Xunit.Sdk;

namespace Shm.TestKit;

public abstract partial class TestKitBase
{
    /// <summary>Expects the next message to be a <typeparamref name="T"/> and returns it.</summary>
    public T ExpectMsg<T>(TimeSpan? timeout = null, string? hint = null) => ExpectMsg<T>(static (_, _) => true, timeout, hint, "");

    /// <summary>Expects the next message to equal <paramref name="expected"/>.</summary>
    public T ExpectMsg<T>(T expected, TimeSpan? timeout = null, string? hint = null) =>
        ExpectMsg<T>((m, _) => Equals(m, expected), timeout, hint, $" equal to {expected}");

    /// <summary>Expects the next message to be a <typeparamref name="T"/> equal to <paramref name="expected"/> by <paramref name="comparer"/>.</summary>
    public T ExpectMsg<T>(T expected, Func<T, T, bool> comparer, TimeSpan? timeout = null, string? hint = null) =>
        ExpectMsg<T>((m, _) => comparer(m, expected), timeout, hint, $" matching {expected}");

    /// <summary>Expects the next message to be a <typeparamref name="T"/> that satisfies <paramref name="isMessage"/>.</summary>
    public T ExpectMsg<T>(Predicate<T> isMessage, TimeSpan? timeout = null, string? hint = null) =>
        ExpectMsg<T>((m, _) => isMessage(m), timeout, hint, " matching the predicate");

    /// <summary>Expects the next message to be a <typeparamref name="T"/> and runs <paramref name="assert"/> on it.</summary>
    public T ExpectMsg<T>(Action<T> assert, TimeSpan? timeout = null, string? hint = null) =>
        ExpectMsg<T>((m, _) => { assert(m); return true; }, timeout, hint, "");

    /// <summary>Expects the next message to be a <typeparamref name="T"/> from a sender, both satisfying <paramref name="isMessageAndSender"/>.</summary>
    public T ExpectMsg<T>(Func<T, IActorRef, bool> isMessageAndSender, TimeSpan? timeout = null, string? hint = null) =>
        ExpectMsg(isMessageAndSender, timeout, hint, " matching the predicate");

    /// <summary>Expects the next message to be a <typeparamref name="T"/> and runs <paramref name="assert"/> on it and its sender.</summary>
    public T ExpectMsg<T>(Action<T, IActorRef> assert, TimeSpan? timeout = null, string? hint = null) =>
        ExpectMsg<T>((m, s) => { assert(m, s); return true; }, timeout, hint, "");

    /// <summary>Expects the next message to be a <typeparamref name="T"/> sent by <paramref name="sender"/>.</summary>
    public T ExpectMsgFrom<T>(IActorRef sender, TimeSpan? timeout = null, string? hint = null) =>
        ExpectMsg<T>((_, s) => s.Equals(sender), timeout, hint, $" from {sender}");

    private T ExpectMsg<T>(Func<T, IActorRef, bool> check, TimeSpan? timeout, string? hint, string description)
    {
        TimeSpan wait = Resolve(timeout);
        ReceivedMessage received = TakeOne(wait)
            ?? throw Fail($"Timeout ({wait.TotalMilliseconds:0} ms) while waiting for a message of type {typeof(T).Name}{description}", hint);
        return Check(received, check, description, hint);
    }

    private static T Check<T>(ReceivedMessage received, Func<T, IActorRef, bool> check, string description, string? hint)
    {
        if (received.Message is not T typed)
            throw Fail($"Expected a message of type {typeof(T).Name}{description}, but received {received.Message.GetType().Name}: {received.Message} from {received.Sender}", hint);
        if (!check(typed, received.Sender))
            throw Fail($"Expected a message of type {typeof(T).Name}{description}, but received {received.Message} from {received.Sender}", hint);
        return typed;
    }

    /// <summary>Expects no message for the remaining time of the Within block, or 3 s dilated.</summary>
    public void ExpectNoMsg() => ExpectNoMsgCore(RemainingOrDefault, null);

    /// <summary>Expects no message for <paramref name="duration"/> (dilated).</summary>
    public void ExpectNoMsg(TimeSpan duration, string? hint = null) => ExpectNoMsgCore(Dilated(duration), hint);

    /// <summary>Expects no message for <paramref name="milliseconds"/> (not dilated).</summary>
    public void ExpectNoMsg(int milliseconds) => ExpectNoMsgCore(TimeSpan.FromMilliseconds(milliseconds), null);

    private void ExpectNoMsgCore(TimeSpan duration, string? hint)
    {
        if (TakeOne(duration) is { } received)
            throw Fail($"Expected no message for {duration.TotalMilliseconds:0} ms, but received {received.Message} from {received.Sender}", hint);
    }

    /// <summary>The next message, or null if none arrives within <paramref name="max"/> (default: remaining or 3 s).</summary>
    public object? ReceiveOne(TimeSpan? max = null) => TakeOne(Resolve(max))?.Message;

    /// <summary>The next <paramref name="n"/> messages; <paramref name="max"/> (default: remaining or 3 s) covers all of them.</summary>
    public IReadOnlyList<object> ReceiveN(int n, TimeSpan? max = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        TimeSpan total = Resolve(max);
        long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(total.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        var messages = new List<object>(n);
        while (messages.Count < n)
        {
            TimeSpan left = System.Diagnostics.Stopwatch.GetElapsedTime(System.Diagnostics.Stopwatch.GetTimestamp(), deadline);
            ReceivedMessage received = TakeOne(left)
                ?? throw Fail($"Timeout ({total.TotalMilliseconds:0} ms) after {messages.Count} of {n} messages", null);
            messages.Add(received.Message);
        }
        return messages;
    }

    /// <summary>Expects exactly <paramref name="messages"/> as the next messages, in any order.</summary>
    public IReadOnlyList<object> ExpectMsgAllOf(params object[] messages) => ExpectMsgAllOf(null, messages);

    /// <summary>Expects exactly <paramref name="messages"/> within <paramref name="max"/>, in any order.</summary>
    public IReadOnlyList<object> ExpectMsgAllOf(TimeSpan? max, params object[] messages)
    {
        IReadOnlyList<object> received = ReceiveN(messages.Length, max);
        var missing = new List<object>(messages);
        foreach (object m in received)
        {
            int at = missing.FindIndex(x => Equals(x, m));
            if (at < 0) throw Fail($"Received unexpected message {m}; expected all of [{string.Join(", ", messages)}]", null);
            missing.RemoveAt(at);
        }
        return received;
    }

    /// <summary>Expects the next message to equal one of <paramref name="messages"/>, and returns it.</summary>
    public T ExpectMsgAnyOf<T>(params T[] messages)
    {
        TimeSpan wait = RemainingOrDefault;
        ReceivedMessage received = TakeOne(wait)
            ?? throw Fail($"Timeout ({wait.TotalMilliseconds:0} ms) while waiting for any of [{string.Join(", ", messages)}]", null);
        if (received.Message is T typed && messages.Contains(typed)) return typed;
        throw Fail($"Expected any of [{string.Join(", ", messages)}], but received {received.Message}", null);
    }

    /// <summary>
    /// Collects messages while <paramref name="filter"/> maps them to a non-null value, up to <paramref name="msgs"/> messages,
    /// until <paramref name="max"/> (default: remaining or 3 s) is over or no message comes for <paramref name="idle"/>.
    /// The first message the filter rejects ends the collection and stays queued for the next expectation.
    /// </summary>
    public IReadOnlyList<T> ReceiveWhile<T>(Func<object, T?> filter, TimeSpan? max = null, TimeSpan? idle = null, int msgs = int.MaxValue) where T : class
    {
        ArgumentNullException.ThrowIfNull(filter);
        TimeSpan total = Resolve(max);
        long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(total.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        var collected = new List<T>();
        while (collected.Count < msgs)
        {
            TimeSpan left = System.Diagnostics.Stopwatch.GetElapsedTime(System.Diagnostics.Stopwatch.GetTimestamp(), deadline);
            if (idle is { } i && i < left) left = i;
            if (_queue.TryTake(left, out ReceivedMessage? received) is false || received is null) break;
            if (filter(received.Message) is not { } value)
            {
                _queue.PutBack(received);
                break;
            }
            Record(received);
            collected.Add(value);
        }
        return collected;
    }

    /// <summary>
    /// Discards messages until one is a <typeparamref name="T"/> that satisfies <paramref name="isMessage"/>, and returns it.
    /// Fails if none arrives within <paramref name="max"/> (default: remaining or 3 s).
    /// </summary>
    public T FishForMessage<T>(Predicate<T> isMessage, TimeSpan? max = null, string? hint = null)
    {
        ArgumentNullException.ThrowIfNull(isMessage);
        TimeSpan total = Resolve(max);
        long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(total.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        while (true)
        {
            TimeSpan left = System.Diagnostics.Stopwatch.GetElapsedTime(System.Diagnostics.Stopwatch.GetTimestamp(), deadline);
            ReceivedMessage received = TakeOne(left)
                ?? throw Fail($"Timeout ({total.TotalMilliseconds:0} ms) while fishing for a {typeof(T).Name}", hint);
            if (received.Message is T typed && isMessage(typed)) return typed;
        }
    }

    /// <summary>Discards messages until one satisfies <paramref name="isMessage"/>.</summary>
    public object FishForMessage(Predicate<object> isMessage, TimeSpan? max = null, string? hint = null) => FishForMessage<object>(isMessage, max, hint);

    /// <summary>Expects the <see cref="Terminated"/> of <paramref name="target"/> (call <see cref="Watch"/> first).</summary>
    public Terminated ExpectTerminated(IActorRef target, TimeSpan? timeout = null, string? hint = null) =>
        ExpectMsg<Terminated>((t, _) => t.ActorRef.Equals(target), timeout, hint ?? $"Terminated of {target}", $" for {target}");
}
