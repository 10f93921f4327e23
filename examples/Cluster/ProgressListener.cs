using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Shm.Actors.PubSub;

namespace Shm.Examples.Cluster;

/// <summary>
/// Subscribed to the progress topic: keeps each worker's latest count, and counts the events it missed (an shm topic
/// says so with <see cref="TopicEventsLost"/>; DistributedPubSub has no such notice).
/// </summary>
internal sealed class ProgressListener : ReceiveActor
{
    public ProgressListener(RunState state)
    {
        Receive<WorkerProgress>(progress =>
        {
            Interlocked.Increment(ref state.ProgressEvents);
            state.SetProcessed(progress.Node, progress.Incarnation, progress.Processed);
        });
        Receive<TopicEventsLost>(lost => Interlocked.Add(ref state.EventsLost, lost.Count));
        Receive<SubscribeAck>(_ => { });
    }
}
