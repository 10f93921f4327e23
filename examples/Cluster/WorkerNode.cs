using System.Runtime.CompilerServices;
using Akka.Actor;

namespace Shm.Examples.Cluster;

/// <summary>
/// A worker process: starts its actor system (its configuration from <see cref="ClusterConfig"/>), joins the
/// coordinator's cluster on TCP, creates its job actor (on the jobs mailbox: over shm a ring that outlives this process,
/// so a replacement goes on with what was queued), a stats actor the coordinator asks, and a progress publisher, then
/// registers with the coordinator. Exits when the coordinator closes its standard input.
/// </summary>
internal static class WorkerNode
{
    private static readonly TimeSpan s_joinTimeout = TimeSpan.FromMinutes(2);

    public static int Run(ClusterSettings settings)
    {
        (string systemName, string node) = settings.WorkerOf!.Value;
        string coordinator = settings.CoordinatorAddress!;
        Console.CancelKeyPress += (_, e) => e.Cancel = true; // a terminal's Ctrl+C reaches us too; the coordinator ends us
        using ActorSystem system = ActorSystem.Create(systemName, ClusterConfig.For(settings.Transport, node, coordinator));
        if (settings.Transport == ClusterTransport.Tcp)
        {
            // Watches of a cluster member's actors work once it is a member; shm nodes need no cluster.
            var up = new TaskCompletionSource();
            Akka.Cluster.Cluster.Get(system).RegisterOnMemberUp(() => up.TrySetResult());
            up.Task.Wait(s_joinTimeout);
        }
        if (settings.WorkerStartDelay > TimeSpan.Zero)
            Thread.Sleep(settings.WorkerStartDelay); // --worker-start-delay: a slow start, simulated (system up, actors not there yet)
        var processed = new StrongBox<long>();
        long incarnation = Environment.ProcessId;
        IActorRef jobs = system.ActorOf(Props.Create(() => new JobWorker(node, processed)).WithMailbox(ClusterConfig.JobsMailbox), "jobs");
        IActorRef stats = system.ActorOf(Props.Create(() => new StatsReporter(node, processed, incarnation)), "stats");
        system.ActorOf(Props.Create(() => new ProgressPublisher(node, incarnation, processed, ClusterConfig.MediatorOf(system))), "progress");
        system.ActorOf(Props.Create(() => new Registrar(coordinator + "/user/coordinator", new RegisterWorker(node, incarnation, jobs, stats))), "registrar");
        Console.In.ReadToEnd(); // the coordinator closes it (or dies, which closes it too)
        CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance).Wait(TimeSpan.FromSeconds(30));
        return 0;
    }
}
