using Shm.Primitives;
using Shm.TestKit.MultiNode;
using Shm.Transport.PubSub;
using Shm.TransportNode;
using static Shm.Transport.Tests.PubSub.PubSubCluster;

namespace Shm.Transport.Tests.PubSub;

/// <summary>
/// Distributed pub/sub across real processes: this process (node "a") publishes; nodes b, c and d are child processes
/// running the "pubsub" role, whose subscriber checks the stream of consecutive longs it receives.
/// </summary>
public sealed class PubSubNodeProcessTests
{
    private static readonly string[] s_subscriberNodes = ["b", "c", "d"];

    [Fact]
    public void Every_subscriber_in_three_processes_gets_every_event_in_order_with_the_publisher_as_sender()
    {
        const int events = 50_000;
        using var cluster = new MultiNodeCluster();
        // A ring that holds every event: nothing can be lost however the processes are scheduled.
        ActorSystem a = cluster.StartNode("a");
        DistributedPubSub.Get(a, DistributedPubSubSettings.Default with { TopicCapacity = 65_536, MaxEventBytes = 256 });
        var (collector, inbox) = Collector.Start(a, "collector");
        foreach (string node in s_subscriberNodes)
            cluster.StartProcess(node, NodeProgram.Dll, "role=pubsub");
        cluster.AwaitMembers(a, s_subscriberNodes);
        Assert.Equal(ShmPubSubMode.Overwrite, CreateTopic(a, "orders", ShmPubSubMode.Overwrite).Mode);
        IActorRef[] subscribers = [.. s_subscriberNodes.Select(n => SubscriberOn(a, cluster, n))];
        foreach (IActorRef subscriber in subscribers)
            Subscribe(subscriber, "orders", collector, inbox);

        IActorRef mediator = DistributedPubSub.Get(a).Mediator;
        for (long i = 0; i < events; i++)
            mediator.Tell(new Publish("orders", i), collector);

        foreach (IActorRef subscriber in subscribers)
        {
            SubscriberProgress progress = AwaitProgress(subscriber, collector, inbox, p => p.Received + p.Lost >= events);
            Assert.Equal(new SubscriberProgress(subscriber.Path.Address.Host!, events, 0, 0, 0, events - 1, collector.Path.ToString()), progress);
        }
        Assert.Equal(default, DistributedPubSub.Get(a).GetStats());
    }

    [Fact]
    public void A_node_lapped_by_the_publisher_tells_its_subscriber_exactly_how_many_events_it_missed()
    {
        const int events = 20_000;
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        DistributedPubSub.Get(a, DistributedPubSubSettings.Default with { TopicCapacity = 64, MaxEventBytes = 256 });
        var (collector, inbox) = Collector.Start(a, "collector");
        // b's subscriber blocks on its first event; with at most 16 events waiting in its mailbox, b's reader stops
        // reading, so a publisher running ahead by more than the ring's 64 events must lap b.
        cluster.StartProcess("b", NodeProgram.Dll, "role=pubsub:16");
        cluster.StartProcess("c", NodeProgram.Dll, "role=pubsub:16");
        cluster.AwaitMembers(a, "b", "c");
        CreateTopic(a, "ticks", ShmPubSubMode.Overwrite);
        IActorRef held = SubscriberOn(a, cluster, "b"), free = SubscriberOn(a, cluster, "c");
        Subscribe(held, "ticks", collector, inbox, holdFirstEvent: true);
        Subscribe(free, "ticks", collector, inbox);

        IActorRef mediator = DistributedPubSub.Get(a).Mediator;
        mediator.Tell(new Publish("ticks", 0L));
        Assert.Equal(0, inbox.Next<HoldingFirstEvent>().Value);
        for (long i = 1; i < events; i++)
            mediator.Tell(new Publish("ticks", i));
        ControlOn(a, cluster, "b").Tell(new ReleaseHeldEvent());

        SubscriberProgress lapped = AwaitProgress(held, collector, inbox, p => p.Received + p.Lost >= events);
        Assert.True(lapped.Lost >= events - 1000, $"b's reader was paused, so it must have lost nearly everything: {lapped}");
        Assert.True(lapped.LossNotices >= 1);
        Assert.Equal(0, lapped.OutOfOrder); // every TopicEventsLost.Count matched the gap that followed it
        Assert.Equal(events, lapped.Received + lapped.Lost);
        Assert.Equal(events - 1, lapped.LastValue); // the newest event is never the one lost
        // c was not held: whatever it lost (a publisher faster than its reader may lap it too), it was told exactly.
        SubscriberProgress other = AwaitProgress(free, collector, inbox, p => p.Received + p.Lost >= events);
        Assert.Equal(0, other.OutOfOrder);
        Assert.Equal(events, other.Received + other.Lost);
    }

    [Fact]
    public void A_backpressure_topic_loses_nothing_for_any_subscriber_under_a_fast_publisher_and_holds_it_while_one_is_stuck()
    {
        const int events = 20_000;
        const int capacity = 64, maxPending = 16;
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        DistributedPubSub.Get(a, DistributedPubSubSettings.Default with { TopicCapacity = capacity, MaxEventBytes = 256 });
        var (collector, inbox) = Collector.Start(a, "collector");
        foreach (string node in s_subscriberNodes)
            cluster.StartProcess(node, NodeProgram.Dll, "role=pubsub:" + maxPending);
        cluster.AwaitMembers(a, s_subscriberNodes);
        Assert.Equal(ShmPubSubMode.Backpressure, CreateTopic(a, "payments", ShmPubSubMode.Backpressure).Mode);
        IActorRef[] subscribers = [.. s_subscriberNodes.Select(n => SubscriberOn(a, cluster, n))];
        Subscribe(subscribers[0], "payments", collector, inbox, holdFirstEvent: true);
        foreach (IActorRef subscriber in subscribers[1..])
            Subscribe(subscriber, "payments", collector, inbox);

        IActorRef mediator = DistributedPubSub.Get(a).Mediator;
        long published = 0;
        var publisher = Task.Run(() =>
        {
            for (long i = 0; i < events; i++)
            {
                mediator.Tell(new Publish("payments", i));
                Volatile.Write(ref published, i + 1);
            }
        });
        inbox.Next<HoldingFirstEvent>();
        // While b's subscriber is stuck the publisher gets at most a ring, b's mailbox allowance and two read batches
        // (the reader checks mailboxes after each batch of 64) ahead.
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        while (Volatile.Read(ref published) < capacity)
        {
            Assert.True(DateTime.UtcNow < deadline, "the publisher did not fill the ring");
            Thread.Yield();
        }
        long ahead = Volatile.Read(ref published);
        Assert.False(publisher.IsCompleted, "the publisher finished while a subscriber of the backpressure topic was stuck");
        Assert.InRange(ahead, capacity, 1 + maxPending + (2 * 64) + capacity);
        ControlOn(a, cluster, "b").Tell(new ReleaseHeldEvent());

        Assert.True(publisher.Wait(TimeSpan.FromMinutes(2)), "the publisher never finished");
        foreach (IActorRef subscriber in subscribers)
        {
            SubscriberProgress progress = AwaitProgress(subscriber, collector, inbox, p => p.Received + p.Lost >= events);
            Assert.Equal((events, 0L, 0L, events - 1L), (progress.Received, progress.Lost, progress.OutOfOrder, progress.LastValue));
        }
        Assert.Equal(0, DistributedPubSub.Get(a).GetStats().DeadLetters);
    }
}
