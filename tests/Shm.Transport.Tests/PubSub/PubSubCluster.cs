using System.Collections.Concurrent;
using Shm.TestKit.MultiNode;
using Shm.Transport.PubSub;
using Shm.TransportNode;

namespace Shm.Transport.Tests.PubSub;

/// <summary>Helpers of the pub/sub tests: node processes with the "pubsub" role, and round trips that tolerate membership settling.</summary>
internal static class PubSubCluster
{
    private static readonly TimeSpan s_retryInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>The node's pub/sub subscriber actor.</summary>
    public static IActorRef SubscriberOn(ActorSystem from, MultiNodeCluster cluster, string node) =>
        from.Provider.ResolveActorRef(cluster.PathOf(node, "/user/pubsub-subscriber"));

    /// <summary>The node's pub/sub control actor.</summary>
    public static IActorRef ControlOn(ActorSystem from, MultiNodeCluster cluster, string node) =>
        from.Provider.ResolveActorRef(cluster.PathOf(node, "/user/pubsub-control"));

    /// <summary>
    /// Subscribes the node's subscriber and waits for its report. The request is repeated until the report arrives: the
    /// remote node may not yet see this one, and then its report is a dead letter (subscribing again is harmless).
    /// </summary>
    public static void Subscribe(IActorRef subscriber, string topic, IActorRef collector, BlockingCollection<(object Message, IActorRef Sender)> inbox, bool holdFirstEvent = false)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        string node = subscriber.Path.Address.Host!;
        while (true)
        {
            subscriber.Tell(new SubscribeTopic(topic, collector, holdFirstEvent));
            // Only this node's report counts: a repeated request can leave another node's second report in the inbox.
            if (inbox.TryTake(out var item, s_retryInterval) && item.Message is TopicSubscribed subscribed && subscribed.Topic == topic && subscribed.Node == node)
                return;
            Assert.True(DateTime.UtcNow < deadline, $"{subscriber.Path} never acknowledged its subscription to {topic}");
        }
    }

    /// <summary>
    /// Asks <paramref name="subscriber"/> for its progress (the reply comes to the collector) until <paramref name="done"/>
    /// holds; fails after 2 minutes with the last progress seen.
    /// </summary>
    public static SubscriberProgress AwaitProgress(IActorRef subscriber, IActorRef collector, BlockingCollection<(object Message, IActorRef Sender)> inbox, Func<SubscriberProgress, bool> done)
    {
        DateTime deadline = DateTime.UtcNow.AddMinutes(2);
        SubscriberProgress? last = null;
        while (DateTime.UtcNow < deadline)
        {
            subscriber.Tell(new ReportProgress(), collector);
            string node = subscriber.Path.Address.Host!;
            last = inbox.Next<SubscriberProgress>(p => p.Node == node);
            if (done(last))
                return last;
            Thread.Sleep(20); // the poll interval; the condition itself is what the test waits for
        }
        Assert.Fail($"{subscriber.Path} did not get there in time; last progress: {last}");
        return last!;
    }

    /// <summary>Creates (or opens) a topic from <paramref name="system"/> and returns what the mediator says it is.</summary>
    public static TopicCreated CreateTopic(ActorSystem system, string topic, Primitives.ShmPubSubMode mode) =>
        DistributedPubSub.Get(system).Mediator.Ask<TopicCreated>(new CreateTopic(topic, mode), TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
}
