using System.Diagnostics;
using Shm.Actors;
using Shm.Transport;
using Shm.Transport.PubSub;

namespace Shm.Examples.Cluster;

/// <summary>
/// The coordinator process: starts the workers, hands out the jobs, asks the workers for their statistics, listens to
/// their progress, kills one worker with SIGKILL in the middle (chaos), starts its replacement, and at the end prints
/// the summary and checks the invariants. Every segment of the run's system is removed at the end, also after Ctrl+C.
/// </summary>
internal sealed class Coordinator(ClusterSettings settings)
{
    private const string SegmentDirectory = "/dev/shm";
    private readonly string _system = $"shm-cluster-{Environment.ProcessId}";
    private readonly List<long> _askTicks = [];
    private long _askFailures;

    public int Run()
    {
        using var interrupted = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true; // finish through the clean-up below
            interrupted.Cancel();
        };
        var state = new RunState(settings.Jobs);
        var workers = new Dictionary<string, WorkerProcess>();
        ActorSystem? system = null;
        Summary? summary = null;
        try
        {
            system = ActorSystem.Create(_system, ActorSystemSettings.Default.WithShmTransport(new ShmTransportOptions
            {
                NodeName = "coordinator",
                SegmentDirectory = SegmentDirectory,
            }) with { RunCoordinatedShutdownOnProcessExit = false });
            IActorRef coordinator = system.ActorOf(Props.Create(() => new CoordinatorActor(state, settings.WorkMicroseconds, _system)), "coordinator");
            system.EventStream.Subscribe<MemberUp>(coordinator);
            system.EventStream.Subscribe<MemberDown>(coordinator);
            IActorRef listener = system.ActorOf(Props.Create(() => new ProgressListener(state)), "progress");
            DistributedPubSub.Get(system).Mediator.Tell(new Subscribe("progress", listener), listener);

            Console.WriteLine($"Shm cluster: system {_system}, {settings.Workers} workers, {settings.Jobs:N0} jobs of ~{settings.WorkMicroseconds} us, chaos {(settings.Chaos ? "on" : "off")}");
            for (int i = 1; i <= settings.Workers; i++)
            {
                string node = $"worker-{i}";
                state.SetNodeState(node, "starting");
                workers[node] = WorkerProcess.Start(_system, node, settings.WorkerStartDelay);
            }
            var display = new Display(state, _system, AskFigures);
            long deadline = Stopwatch.GetTimestamp() + (long)(settings.Duration.TotalSeconds * Stopwatch.Frequency);
            WaitFor(() => state.Nodes.Values.Count(n => n.State == "up") == settings.Workers, deadline, display, interrupted.Token,
                "not every worker joined");
            coordinator.Tell(new CoordinatorActor.Start());

            long nextAsk = 0;
            bool replacementStarted = false;
            // Done when every job is, and (with chaos) the killed worker's replacement has taken its ring over: the last
            // jobs can complete before its fence comes back.
            bool Finished() => state.AllDone.Task.IsCompleted && (!settings.Chaos || state.RecoveredAt != 0);
            while (!Finished() && !interrupted.IsCancellationRequested && Stopwatch.GetTimestamp() < deadline)
            {
                if (Stopwatch.GetTimestamp() >= nextAsk)
                {
                    AskAll(system, state);
                    nextAsk = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 4;
                }
                if (settings.Chaos && state.KilledAt == 0 && Interlocked.Read(ref state.Completed) >= settings.Jobs * 35L / 100)
                {
                    string victim = $"worker-{Math.Min(2, settings.Workers)}";
                    state.KilledNode = victim;
                    state.Note($"chaos: kill -9 {victim} (pid {workers[victim].Pid})");
                    state.KilledAt = Stopwatch.GetTimestamp();
                    workers[victim].Kill();
                }
                if (state.DownSeenAt != 0 && !replacementStarted)
                {
                    replacementStarted = true;
                    string node = state.KilledNode!;
                    state.Note($"{node} down {RunState.Milliseconds(state.KilledAt, state.DownSeenAt):F1} ms after the kill; starting its replacement");
                    workers[node].Dispose();
                    workers[node] = WorkerProcess.Start(_system, node, settings.WorkerStartDelay);
                }
                display.Refresh();
                if (!state.AllDone.Task.Wait(100))
                    continue;
                Thread.Sleep(20); // all jobs done, the fence not back yet: the display's pace, not a synchronization
            }
            display.Finish();
            summary = Summary.Of(settings, _system, state, AskFigures(), Interlocked.Read(ref _askFailures), interrupted.IsCancellationRequested);
        }
        finally
        {
            foreach (WorkerProcess worker in workers.Values)
                worker.Dispose();
            system?.Terminate().Wait(TimeSpan.FromSeconds(30));
            int removed = RemoveSegments();
            summary = summary is null ? null : summary with { SegmentsRemoved = removed, SegmentsLeft = Directory.GetFiles(SegmentDirectory, _system + ".*").Length };
        }
        summary!.Print();
        if (settings.JsonPath is { } path)
            summary.WriteJson(path);
        return summary.Passed ? 0 : 1;
    }

    private void WaitFor(Func<bool> condition, long deadline, Display display, CancellationToken cancel, string what)
    {
        while (!condition())
        {
            if (Stopwatch.GetTimestamp() > deadline || cancel.IsCancellationRequested)
                throw new TimeoutException($"The run stopped: {what}.");
            display.Refresh();
            Thread.Sleep(50); // the display's refresh interval, not a synchronization
        }
    }

    /// <summary>Asks every live worker for its statistics (Ask over the worker's response slots), timing each.</summary>
    private void AskAll(ActorSystem system, RunState state)
    {
        foreach ((string node, (string State, long _) view) in state.Nodes)
        {
            if (view.State != "up")
                continue;
            IActorRef stats = system.Provider.ResolveActorRef($"shm://{_system}@{node}/user/stats");
            long start = Stopwatch.GetTimestamp();
            stats.Ask<WorkerStats>(new GetStats(), TimeSpan.FromSeconds(2)).ContinueWith(task =>
            {
                long ticks = Stopwatch.GetTimestamp() - start;
                if (task.IsCompletedSuccessfully)
                {
                    lock (_askTicks)
                        _askTicks.Add(ticks);
                }
                else
                {
                    Interlocked.Increment(ref _askFailures);
                }
            }, TaskScheduler.Default);
        }
    }

    /// <summary>The asks answered so far and their round-trip p50/p99 in microseconds.</summary>
    private (int Count, double P50, double P99) AskFigures()
    {
        long[] ticks;
        lock (_askTicks)
            ticks = [.. _askTicks];
        if (ticks.Length == 0)
            return (0, 0, 0);
        Array.Sort(ticks);
        double Us(double q) => ticks[(int)Math.Min(ticks.Length - 1, q * ticks.Length)] * 1e6 / Stopwatch.Frequency;
        return (ticks.Length, Us(0.50), Us(0.99));
    }

    private int RemoveSegments()
    {
        int removed = 0;
        foreach (string file in Directory.GetFiles(SegmentDirectory, _system + ".*"))
        {
            File.Delete(file);
            removed++;
        }
        return removed;
    }
}
