using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;

namespace Shm.Examples.Cluster;

/// <summary>Publishes this worker's progress on the progress topic every 100 ms, through DistributedPubSub's <c>Publish</c>.</summary>
internal sealed class ProgressPublisher : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(100);

    private sealed record Tick;

    public ITimerScheduler Timers { get; set; } = null!;

    public ProgressPublisher(string node, long incarnation, StrongBox<long> processed, IActorRef mediator) =>
        Receive<Tick>(_ => mediator.Tell(new Publish(ClusterConfig.ProgressTopic, new WorkerProgress(node, incarnation, Interlocked.Read(ref processed.Value)))));

    protected override void PreStart() => Timers.StartPeriodicTimer("tick", new Tick(), s_interval);
}
