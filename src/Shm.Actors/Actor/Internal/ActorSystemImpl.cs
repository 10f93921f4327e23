using System.Diagnostics;
using Shm.Actors.Event;

namespace Shm.Actors.Internal;

/// <summary>The actor system of this process.</summary>
internal sealed class ActorSystemImpl : ActorSystem
{
    private readonly LocalActorRefProvider _provider;
    private readonly IActorRefProvider _resolvingProvider;
    private readonly TimerQueueScheduler _scheduler;
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Action> _terminationCallbacks = [];
    private readonly long _startTimestamp = Stopwatch.GetTimestamp();
    private readonly EventStreamUnsubscriber _unsubscriber;
    private int _terminating;
    private readonly EventHandler? _processExitHook;

    public ActorSystemImpl(string name, ActorSystemSettings settings)
    {
        Name = name;
        Settings = settings;
        _scheduler = new TimerQueueScheduler(settings.TimeProvider);
        EventStream = new EventStream(s => _unsubscriber!.Watch(s), s => _unsubscriber!.Unwatch(s))
        {
            Counters = Diagnostics.ActorMetrics.Register(name, settings.Node),
        };
        _provider = new LocalActorRefProvider(this, EventStream);
        _unsubscriber = new EventStreamUnsubscriber(_provider.RootPath / "system" / "eventStreamUnsubscriber", EventStream);
        Log = new LoggingAdapter(settings, EventStream, $"ActorSystem({name})", typeof(ActorSystem));
        // Before any actor exists, so bad serializer settings fail Create with nothing to tear down.
        Serialization = new Serialization.Serialization(this);
        _provider.CreateGuardians();
        _provider.SystemGuardianRef.Cell.CreateChild(Props.Create<DeadLetterListener>(), "deadLetterListener");
        _resolvingProvider = settings.ProviderFactory?.Invoke(this, _provider) ?? _provider;
        CoordinatedShutdown = new CoordinatedShutdown(this);
        if (settings.RunCoordinatedShutdownOnProcessExit)
        {
            // Unhooked when the system terminates, so short-lived systems (tests) do not pile up handlers.
            _processExitHook = (_, _) => CoordinatedShutdown.Run(CoordinatedShutdownReason.ClrExit).Wait(TimeSpan.FromSeconds(30));
            AppDomain.CurrentDomain.ProcessExit += _processExitHook;
        }
    }

    public CoordinatedShutdown CoordinatedShutdown { get; }

    public override string Name { get; }

    public override ActorSystemSettings Settings { get; }

    public override EventStream EventStream { get; }

    public override IScheduler Scheduler => _scheduler;

    public override IActorRef DeadLetters => _provider.DeadLetterRef;

    public DeadLetterActorRef DeadLetterRef => _provider.DeadLetterRef;

    public override ILoggingAdapter Log { get; }

    public override IActorRefProvider Provider => _resolvingProvider;

    public override Serialization.Serialization Serialization { get; }

    public LocalActorRefProvider LocalProvider => _provider;

    public override TimeSpan Uptime => Stopwatch.GetElapsedTime(_startTimestamp);

    public override Task WhenTerminated => _terminated.Task;

    public bool IsTerminating => Volatile.Read(ref _terminating) != 0;

    public override IActorRef ActorOf(Props props, string? name = null)
    {
        if (IsTerminating) ThrowHelper.ThrowSystemTerminating(name, Name);
        return _provider.UserGuardian.Cell.ActorOf(props, name);
    }

    /// <summary>Creates an actor under <c>/system</c> (the runtime's and test kits' own actors).</summary>
    public IActorRef SystemActorOf(Props props, string? name = null) => _provider.SystemGuardianRef.Cell.ActorOf(props, name);

    public override ActorSelection ActorSelection(string path) => Actors.ActorSelection.Create(this, _provider.RootGuardian, path);

    public override ActorSelection ActorSelection(ActorPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Actors.ActorSelection.Create(this, _provider.RootGuardian, path.ToString());
    }

    public override void Stop(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        (actor.Unwrap() as InternalActorRef)?.Stop();
    }

    /// <summary>Runs the coordinated shutdown, whose last phase stops the actors (<see cref="TerminateActors"/>).</summary>
    public override Task Terminate()
    {
        CoordinatedShutdown.Run(CoordinatedShutdownReason.ActorSystemTerminate);
        return WhenTerminated;
    }

    /// <summary>The ordered stop: <c>/user</c> (children before parents), then <c>/system</c>, then the root.</summary>
    internal Task TerminateActors()
    {
        if (Interlocked.Exchange(ref _terminating, 1) == 0) _provider.UserGuardian.Stop();
        return WhenTerminated;
    }

    public override void RegisterOnTermination(Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        lock (_terminationCallbacks)
        {
            if (!_terminated.Task.IsCompleted)
            {
                _terminationCallbacks.Add(callback);
                return;
            }
        }
        callback();
    }

    /// <summary>The root guardian has stopped: run the callbacks (last registered first, as in Akka) and complete.</summary>
    internal void FinishTermination()
    {
        Volatile.Write(ref _terminating, 1);
        if (_processExitHook is not null) AppDomain.CurrentDomain.ProcessExit -= _processExitHook;
        _scheduler.Shutdown();
        List<Action> callbacks;
        lock (_terminationCallbacks)
        {
            callbacks = [.. _terminationCallbacks];
            _terminationCallbacks.Clear();
        }
        callbacks.Reverse();
        foreach (Action callback in callbacks)
        {
            try
            {
                callback();
            }
            catch (Exception e)
            {
                Log.Error(e, "A termination callback of actor system '{0}' threw: {1}", Name, e.Message);
            }
        }
        EventStream.Counters?.Dispose();
        _terminated.TrySetResult();
    }
}
