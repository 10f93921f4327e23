using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;

namespace Shm.Examples.Cluster;

/// <summary>
/// One run: starts the coordinator's actor system and actors, subscribes to the workers' progress, starts the worker
/// processes, asks the workers for their statistics while the jobs run, and at the end stops everything, removes every
/// segment of the run's system (also after Ctrl+C) and returns the summary. The chaos kill and the replacement are the
/// coordinator actor's (<see cref="CoordinatorActor"/>).
/// </summary>
internal sealed class Coordinator(ClusterSettings settings, CancellationToken interrupted)
{
    private const string SegmentDirectory = "/dev/shm";
    private static readonly TimeSpan s_askTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_askInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_refreshInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_setupTimeout = TimeSpan.FromMinutes(1);
    private readonly string _system = $"shm-cluster-{Environment.ProcessId}-{(settings.Transport == ClusterTransport.Tcp ? "tcp" : "shm")}";
    private readonly HashSet<string> _asking = []; // the workers with an ask in flight
    private readonly HashSet<IActorRef> _warmedUp = []; // the stats actors asked once (main thread only)

    public Summary Run()
    {
        var state = new RunState(settings.Jobs);
        var asks = new AskTimes(state);
        ActorSystem? system = null;
        WorkerProcesses? workers = null;
        IActorRef? coordinator = null;
        Summary summary;
        int removed;
        try
        {
            system = ActorSystem.Create(_system, ClusterConfig.For(settings.Transport, ClusterConfig.CoordinatorNode, seed: null));
            string address = ((ExtendedActorSystem)system).Provider.DefaultAddress.ToString();
            if (settings.Transport == ClusterTransport.Tcp)
                Akka.Cluster.Cluster.Get(system).Join(Akka.Cluster.Cluster.Get(system).SelfAddress); // the first member: the seed
            workers = new WorkerProcesses(settings, _system, address);
            coordinator = system.ActorOf(Props.Create(() => new CoordinatorActor(state, settings, workers)), "coordinator");
            IActorRef listener = system.ActorOf(Props.Create(() => new ProgressListener(state)), "progress");
            ClusterConfig.MediatorOf(system).Ask<SubscribeAck>(new Subscribe(ClusterConfig.ProgressTopic, listener), s_setupTimeout).Wait();

            Console.WriteLine($"Shm cluster: system {_system} at {address}, {settings.Workers} workers, {settings.Jobs:N0} jobs of ~{settings.WorkMicroseconds} us, chaos {(settings.Chaos ? "on" : "off")}");
            Console.WriteLine($"  transport: {ClusterConfig.Describe(settings.Transport)}");
            for (int i = 1; i <= settings.Workers; i++)
            {
                string node = $"worker-{i}";
                state.SetNodeState(node, "starting");
                workers.Start(node);
            }
            var display = new Display(state, _system, asks.Figures);
            long deadline = Stopwatch.GetTimestamp() + (long)(settings.Duration.TotalSeconds * Stopwatch.Frequency);
            long nextAsk = 0;
            while (!state.Finished.Task.Wait(s_refreshInterval) && !interrupted.IsCancellationRequested && Stopwatch.GetTimestamp() < deadline)
            {
                if (Stopwatch.GetTimestamp() >= nextAsk)
                {
                    AskAll(state, asks);
                    nextAsk = Stopwatch.GetTimestamp() + (long)(s_askInterval.TotalSeconds * Stopwatch.Frequency);
                }
                display.Refresh();
            }
            display.Finish();
            summary = Summary.Of(settings, _system, state, asks.Figures(), asks.Failed, interrupted.IsCancellationRequested,
                timedOut: !state.Finished.Task.IsCompleted && !interrupted.IsCancellationRequested);
        }
        catch (Exception error)
        {
            // The run could not go on (a system that did not start, a subscription never acknowledged): a failed run,
            // cleaned up like any other, not a crash that leaves workers and segments behind.
            summary = Summary.Of(settings, _system, state, asks.Figures(), asks.Failed, interrupted.IsCancellationRequested,
                timedOut: false, stoppedBy: error.GetBaseException().Message);
        }
        finally
        {
            // The workers leave first (the coordinator stops watching them, so their leaving is no death to replace).
            try
            {
                coordinator?.Ask<CoordinatorActor.Finish>(new CoordinatorActor.Finish(), s_setupTimeout).Wait();
            }
            catch (AggregateException)
            {
                // Not answered in time: the workers are stopped all the same.
            }
            workers?.Dispose();
            if (system is not null)
                CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance).Wait(TimeSpan.FromSeconds(30));
            removed = RemoveSegments();
        }
        return summary with { SegmentsRemoved = removed, SegmentsLeft = Directory.GetFiles(SegmentDirectory, _system + ".*").Length };
    }

    /// <summary>
    /// Asks every live worker for its statistics (over shm through the worker node's response slots), timing each; a
    /// worker still owing the previous answer is not asked again (a dead one that DeathWatch has not reported yet would
    /// otherwise pile up asks that all time out). The first ask of each worker process is a warm-up, not timed: it pays
    /// for the first use of the path (JIT, over shm the opening of the node's ask channel), once.
    /// </summary>
    private void AskAll(RunState state, AskTimes asks)
    {
        foreach ((string node, IActorRef stats) in state.StatsActors)
        {
            lock (_asking)
            {
                if (!_asking.Add(node))
                    continue;
            }
            bool timed = !_warmedUp.Add(stats);
            long start = Stopwatch.GetTimestamp();
            stats.Ask<WorkerStats>(new GetStats(), s_askTimeout).ContinueWith(task =>
            {
                long ticks = Stopwatch.GetTimestamp() - start;
                lock (_asking)
                    _asking.Remove(node);
                if (!task.IsCompletedSuccessfully)
                    asks.Failure();
                else if (timed)
                    asks.Answered(start, ticks);
            }, TaskScheduler.Default);
        }
    }

    /// <summary>Removes what is left of the run's segments (a killed process cannot remove its own; rings outlive their actors).</summary>
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
