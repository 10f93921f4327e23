using System.Diagnostics;
using Shm.Actors.Internal;
using Xunit.Sdk;

namespace Shm.TestKit;

/// <summary>
/// The TestKit surface without a test framework: a test actor that queues what it receives, expectations on that queue,
/// time windows and polling assertions. <see cref="Xunit2.TestKit"/> (one system per test) and <see cref="TestProbe"/>
/// (extra test actors in the same system) derive from it. Expectations block the calling thread, up to their timeout;
/// each has an <c>…Async</c> twin. Failures throw xunit's <see cref="XunitException"/>.
/// </summary>
public abstract partial class TestKitBase
{
    private static int s_testActorNumber;
    private readonly MessageQueue _queue = new();
    private long? _deadlineTimestamp;

    /// <summary>Creates the test actor in <paramref name="system"/>.</summary>
    protected TestKitBase(ActorSystem system, string? testActorName = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        Sys = system;
        string name = testActorName ?? "testActor" + Interlocked.Increment(ref s_testActorNumber);
        MessageQueue queue = _queue;
        TestActor = ((ActorSystemImpl)system).SystemActorOf(Props.Create(() => new TestActor(queue)), name);
    }

    /// <summary>Expectations on log events and dead letters (Akka's <c>EventFilter</c>).</summary>
    public EventFilterFactory EventFilter => new(this);

    /// <summary>The actor system under test.</summary>
    public ActorSystem Sys { get; }

    /// <summary>The test actor: the implicit sender of <c>Tell</c> in the test body, and what the expectations read from.</summary>
    public IActorRef TestActor { get; }

    /// <summary>The sender of the message received last.</summary>
    public IActorRef LastSender { get; private set; } = ActorRefs.Nobody;

    /// <summary>The message received last, or null.</summary>
    public object? LastMessage { get; private set; }

    /// <summary>Messages received and not yet expected.</summary>
    public int QueuedMessageCount => _queue.Count;

    /// <summary><paramref name="duration"/> multiplied by <see cref="TestKitSettings.TimeFactor"/>.</summary>
    public static TimeSpan Dilated(TimeSpan duration) =>
        duration == Timeout.InfiniteTimeSpan ? duration : TimeSpan.FromTicks((long)(duration.Ticks * TestKitSettings.TimeFactor));

    /// <summary>Inside <see cref="Within(TimeSpan, Action)"/>: the time left; outside: the dilated 3 s default.</summary>
    public TimeSpan RemainingOrDefault => _deadlineTimestamp is null ? Dilated(TestKitSettings.SingleExpectDefault) : Remaining;

    /// <summary>The time left in the innermost <see cref="Within(TimeSpan, Action)"/> block.</summary>
    /// <exception cref="InvalidOperationException">Not inside a Within block.</exception>
    public TimeSpan Remaining
    {
        get
        {
            if (_deadlineTimestamp is not { } deadline) throw new InvalidOperationException("Remaining is only defined inside a Within block; use RemainingOrDefault.");
            TimeSpan left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            return left < TimeSpan.Zero ? TimeSpan.Zero : left;
        }
    }

    /// <summary>Creates a probe: another test actor in the same system.</summary>
    public TestProbe CreateTestProbe(string? name = null) => new(Sys, name);

    /// <summary>Creates a top-level actor in <see cref="Sys"/>.</summary>
    public IActorRef ActorOf(Props props, string? name = null) => Sys.ActorOf(props, name);

    /// <summary>Creates a top-level actor from a factory expression.</summary>
    public IActorRef ActorOf<TActor>(System.Linq.Expressions.Expression<Func<TActor>> factory, string? name = null) where TActor : ActorBase =>
        Sys.ActorOf(Props.Create(factory), name);

    /// <summary>Makes the test actor watch <paramref name="actor"/> (registered before this returns); then use <see cref="ExpectTerminated"/>.</summary>
    public IActorRef Watch(IActorRef actor)
    {
        using var done = new ManualResetEventSlim();
        TestActor.Tell(new TestActor.WatchCommand(actor, done), ActorRefs.NoSender);
        if (!done.Wait(Dilated(TestKitSettings.DefaultTimeout))) throw new XunitException($"The test actor did not start watching {actor} in time.");
        return actor;
    }

    /// <summary>Stops watching <paramref name="actor"/>.</summary>
    public IActorRef Unwatch(IActorRef actor)
    {
        using var done = new ManualResetEventSlim();
        TestActor.Tell(new TestActor.UnwatchCommand(actor, done), ActorRefs.NoSender);
        if (!done.Wait(Dilated(TestKitSettings.DefaultTimeout))) throw new XunitException($"The test actor did not stop watching {actor} in time.");
        return actor;
    }

    /// <summary>Makes the test actor drop messages that satisfy <paramref name="shouldIgnore"/> (applies to messages received after it).</summary>
    public void IgnoreMessages(Func<object, bool> shouldIgnore)
    {
        ArgumentNullException.ThrowIfNull(shouldIgnore);
        TestActor.Tell(new TestActor.SetIgnoreCommand(shouldIgnore), ActorRefs.NoSender);
    }

    /// <summary>Makes the test actor drop every message of type <typeparamref name="T"/>.</summary>
    public void IgnoreMessages<T>() => IgnoreMessages(m => m is T);

    /// <summary>Stops ignoring messages.</summary>
    public void IgnoreNoMessages() => TestActor.Tell(new TestActor.SetIgnoreCommand(null), ActorRefs.NoSender);

    /// <summary>Installs an <see cref="AutoPilot"/> on the test actor (applies to messages received after it).</summary>
    public void SetAutoPilot(AutoPilot pilot) => TestActor.Tell(new TestActor.SetAutoPilotCommand(pilot), ActorRefs.NoSender);

    /// <summary>
    /// Runs <paramref name="action"/>, failing if it takes longer than the dilated <paramref name="max"/>; expectations inside
    /// default to the time that remains.
    /// </summary>
    public void Within(TimeSpan max, Action action) => Within(TimeSpan.Zero, max, action);

    /// <summary>Like <see cref="Within(TimeSpan, Action)"/>, and also fails if the block ends before <paramref name="min"/>.</summary>
    public void Within(TimeSpan min, TimeSpan max, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        Within(min, max, () => { action(); return true; });
    }

    /// <summary>Value-returning <see cref="Within(TimeSpan, Action)"/>.</summary>
    public T Within<T>(TimeSpan max, Func<T> function) => Within(TimeSpan.Zero, max, function);

    /// <summary>Value-returning <see cref="Within(TimeSpan, TimeSpan, Action)"/>.</summary>
    public T Within<T>(TimeSpan min, TimeSpan max, Func<T> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        TimeSpan dilatedMax = Dilated(max);
        long start = Stopwatch.GetTimestamp();
        long? outer = _deadlineTimestamp;
        long deadline = start + (long)(dilatedMax.TotalSeconds * Stopwatch.Frequency);
        _deadlineTimestamp = outer is { } o && o < deadline ? o : deadline;
        try
        {
            T result = function();
            TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
            if (elapsed < min) throw new XunitException($"Within block ended after {elapsed.TotalMilliseconds:0} ms, before its minimum of {min.TotalMilliseconds:0} ms.");
            if (elapsed > dilatedMax) throw new XunitException($"Within block took {elapsed.TotalMilliseconds:0} ms, more than its maximum of {dilatedMax.TotalMilliseconds:0} ms (dilated).");
            return result;
        }
        finally
        {
            _deadlineTimestamp = outer;
        }
    }

    /// <summary>The timeout an expectation uses: the given one (dilated), else what remains of the Within block, else 3 s dilated.</summary>
    private TimeSpan Resolve(TimeSpan? timeout) => timeout is { } t ? Dilated(t) : RemainingOrDefault;

    private ReceivedMessage? TakeOne(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (!_queue.TryTake(timeout, out ReceivedMessage? message, cancellationToken)) return null;
        Record(message!);
        return message;
    }

    private async Task<ReceivedMessage?> TakeOneAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        ReceivedMessage? message = await _queue.TakeAsync(timeout, cancellationToken).ConfigureAwait(false);
        if (message is not null) Record(message);
        return message;
    }

    private void Record(ReceivedMessage message)
    {
        LastMessage = message.Message;
        LastSender = message.Sender;
    }

    private static XunitException Fail(string what, string? hint) =>
        new(hint is null ? what : $"{what} ({hint})");
}
