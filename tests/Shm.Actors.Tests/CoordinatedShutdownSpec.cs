using System.Collections.Concurrent;

namespace Shm.Actors.Tests;

public sealed class CoordinatedShutdownSpec
{
    private static ActorSystem NewSystem(TimeSpan? phaseTimeout = null) => ActorSystem.Create("cs", ActorSystemSettings.Default with
    {
        CoordinatedShutdownPhaseTimeout = phaseTimeout ?? TimeSpan.FromSeconds(5),
        RunCoordinatedShutdownOnProcessExit = false,
    });

    [Fact]
    public async Task Terminate_runs_the_tasks_phase_by_phase_before_the_actors_stop()
    {
        ActorSystem system = NewSystem();
        var log = new ConcurrentQueue<string>();
        system.ActorOf(Props.Create(() => new StopReporter(log)), "worker");
        CoordinatedShutdown shutdown = CoordinatedShutdown.Get(system);
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "second", () => { log.Enqueue("service-stop"); return Task.FromResult(Done.Instance); });
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "first", async () =>
        {
            await Task.Yield();
            log.Enqueue("service-unbind");
            return Done.Instance;
        });
        shutdown.AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "last", () => { log.Enqueue("before-terminate"); return Task.FromResult(Done.Instance); });

        await system.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["service-unbind", "service-stop", "before-terminate", "worker stopped"], log);
        Assert.Same(CoordinatedShutdownReason.ActorSystemTerminate, shutdown.ShutdownReason);
        Assert.Same(shutdown.Run(CoordinatedShutdownReason.Unknown), shutdown.Run(CoordinatedShutdownReason.Unknown));
    }

    [Fact]
    public async Task A_failing_or_late_task_does_not_stop_the_shutdown()
    {
        ActorSystem system = NewSystem(TimeSpan.FromMilliseconds(200));
        CoordinatedShutdown shutdown = CoordinatedShutdown.Get(system);
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "throws", () => throw new InvalidOperationException("broken task"));
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "never", () => new TaskCompletionSource<Done>().Task);
        Done done = await shutdown.Run(CoordinatedShutdownReason.Unknown).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Same(Done.Instance, done);
        await system.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Unknown_phases_are_rejected()
    {
        using ActorSystem system = NewSystem();
        Assert.Throws<ArgumentException>(() => CoordinatedShutdown.Get(system).AddTask("no-such-phase", "t", () => Task.FromResult(Done.Instance)));
        Assert.Equal(CoordinatedShutdown.PhaseActorSystemTerminate, CoordinatedShutdown.Get(system).Phases[^1]);
    }

    private sealed class StopReporter(ConcurrentQueue<string> log) : ReceiveActor
    {
        protected override void PostStop() => log.Enqueue("worker stopped");
    }
}
