using System.Collections.Concurrent;
using Shm.Primitives;
using Shm.TestKit.MultiNode;
using Shm.Transport.PubSub;
using Shm.TransportNode;

namespace Shm.Transport.Tests.PubSub;

/// <summary>Distributed pub/sub between nodes in this process (cheaper than child processes where processes prove nothing more).</summary>
public sealed class PubSubInProcessTests
{
    private static readonly TimeSpan s_ask = TimeSpan.FromSeconds(30);

    private static (ActorSystem A, ActorSystem B) TwoNodes(MultiNodeCluster cluster)
    {
        ActorSystem a = cluster.StartNode("a"), b = cluster.StartNode("b");
        MultiNodeCluster.AwaitMembers(a, ["b"]);
        MultiNodeCluster.AwaitMembers(b, ["a"]);
        return (a, b);
    }

    private static void SubscribeAndAwaitAck(ActorSystem system, string topic, IActorRef subscriber) =>
        Assert.Equal(new SubscribeAck(new Subscribe(topic, subscriber)),
            DistributedPubSub.Get(system).Mediator.Ask<SubscribeAck>(new Subscribe(topic, subscriber), s_ask).GetAwaiter().GetResult());

    private static void UnsubscribeAndAwaitAck(ActorSystem system, string topic, IActorRef subscriber) =>
        DistributedPubSub.Get(system).Mediator.Ask<UnsubscribeAck>(new Unsubscribe(topic, subscriber), s_ask).GetAwaiter().GetResult();

    [Fact]
    public void Subscribers_on_both_nodes_receive_a_record_published_on_either_with_its_sender()
    {
        using var cluster = new MultiNodeCluster();
        var (a, b) = TwoNodes(cluster);
        var (onA, inboxA) = Collector.Start(a, "on-a");
        var (onB, inboxB) = Collector.Start(b, "on-b");
        SubscribeAndAwaitAck(a, "news", onA);
        SubscribeAndAwaitAck(b, "news", onB);

        DistributedPubSub.Get(a).Mediator.Tell(new Publish("news", new Relay(onB, "from a")), onA);
        DistributedPubSub.Get(b).Mediator.Tell(new Publish("news", "from b"), onB);

        foreach (var inbox in new[] { inboxA, inboxB })
        {
            var (first, firstSender) = inbox.Next();
            Assert.Equal(new Relay(onB, "from a"), first);
            Assert.Equal(onA, firstSender);
            var (second, secondSender) = inbox.Next();
            Assert.Equal("from b", second);
            Assert.Equal(onB, secondSender);
        }
        Assert.Equal(["news"], DistributedPubSub.Get(b).Mediator.Ask<CurrentTopics>(GetTopics.Instance, s_ask).GetAwaiter().GetResult().Topics);
    }

    [Fact]
    public void An_unsubscribed_subscriber_receives_nothing_published_after_its_ack_and_the_others_go_on()
    {
        using var cluster = new MultiNodeCluster();
        var (a, b) = TwoNodes(cluster);
        var (leaving, leavingInbox) = Collector.Start(b, "leaving");
        var (staying, stayingInbox) = Collector.Start(b, "staying");
        SubscribeAndAwaitAck(b, "jobs", leaving);
        SubscribeAndAwaitAck(b, "jobs", staying);
        IActorRef mediator = DistributedPubSub.Get(a).Mediator;
        for (int i = 0; i < 10; i++)
            mediator.Tell(new Publish("jobs", i));
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(i, leavingInbox.Next().Message);
            Assert.Equal(i, stayingInbox.Next().Message);
        }

        UnsubscribeAndAwaitAck(b, "jobs", leaving);
        for (int i = 10; i < 20; i++)
            mediator.Tell(new Publish("jobs", i));
        for (int i = 10; i < 20; i++)
            Assert.Equal(i, stayingInbox.Next().Message);
        // Anything wrongly delivered to the leaver was enqueued before the staying one got event 19, so before this marker.
        leaving.Tell("marker");
        Assert.Equal("marker", leavingInbox.Next().Message);
    }

    [Fact]
    public void A_terminated_subscriber_is_removed_and_the_node_stops_reading_the_topic()
    {
        using var cluster = new MultiNodeCluster();
        var (a, b) = TwoNodes(cluster);
        var (subscriber, inbox) = Collector.Start(b, "short-lived");
        SubscribeAndAwaitAck(b, "alerts", subscriber);
        DistributedPubSub.Get(a).Mediator.Tell(new Publish("alerts", "first"));
        Assert.Equal("first", inbox.Next().Message);

        b.Stop(subscriber);
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (DistributedPubSub.Get(b).Mediator.Ask<CurrentTopics>(GetTopics.Instance, s_ask).GetAwaiter().GetResult().Topics.Count != 0)
            Assert.True(DateTime.UtcNow < deadline, "the terminated subscriber was never removed");
        Assert.Equal(0, DistributedPubSub.Get(b).GetStats().DeadLetters);
    }

    [Fact]
    public void The_first_creator_decides_a_topics_mode_and_later_requests_are_told_the_real_one()
    {
        using var cluster = new MultiNodeCluster();
        var (a, b) = TwoNodes(cluster);
        DistributedPubSub.Get(a, DistributedPubSubSettings.Default with { TopicCapacity = 100 });
        TopicCreated created = PubSubCluster.CreateTopic(a, "ledger", ShmPubSubMode.Backpressure);
        Assert.Equal(new TopicCreated("ledger", ShmPubSubMode.Backpressure, 128, DistributedPubSubSettings.Default.MaxEventBytes), created);
        Assert.Equal(created, PubSubCluster.CreateTopic(b, "ledger", ShmPubSubMode.Overwrite));
    }

    [Fact]
    public void A_bad_topic_name_is_refused_with_a_message_naming_it_and_the_limit()
    {
        string[] bad = ["", new string('x', 65), new string('é', 32) + "!" /* 65 UTF-8 bytes */, "broken \uD800 surrogate"];
        foreach (string topic in bad)
        {
            var error = Assert.ThrowsAny<ArgumentException>(() => new Subscribe(topic, ActorRefs.Nobody));
            Assert.Contains("64", error.Message, StringComparison.Ordinal);
            Assert.Contains(topic, error.Message, StringComparison.Ordinal);
            Assert.Equal("Topic", error.ParamName);
            Assert.ThrowsAny<ArgumentException>(() => new Publish(topic, "x"));
            Assert.ThrowsAny<ArgumentException>(() => new Unsubscribe(topic, ActorRefs.Nobody));
            Assert.ThrowsAny<ArgumentException>(() => new CreateTopic(topic, ShmPubSubMode.Overwrite));
        }
        Assert.Equal(new string('é', 32), new Subscribe(new string('é', 32), ActorRefs.Nobody).Topic); // exactly 64 bytes is fine
    }

    [Fact]
    public void A_topic_whose_segment_name_would_be_too_long_for_its_system_is_refused_naming_the_limit()
    {
        var error = Assert.Throws<ArgumentException>(() => TopicName.SegmentName(new string('s', 200), new string('/', 20)));
        Assert.Contains("255", error.Message);
        Assert.Contains(new string('/', 20), error.Message);
    }

    [Fact]
    public void Any_characters_make_a_working_topic_whose_segment_stays_in_the_directory_under_the_system_prefix()
    {
        const string topic = "../etc/passwd é.x";
        using var cluster = new MultiNodeCluster();
        var (a, b) = TwoNodes(cluster);
        var (subscriber, inbox) = Collector.Start(b, "odd");
        SubscribeAndAwaitAck(b, topic, subscriber);
        DistributedPubSub.Get(a).Mediator.Tell(new Publish(topic, 42L));
        Assert.Equal(42L, inbox.Next().Message);
        Assert.Contains(Path.Combine(cluster.SegmentDirectory, cluster.SystemName + ".topic.%2E%2E%2Fetc%2Fpasswd%20%C3%A9%2Ex"), cluster.Segments());
    }

    [Fact]
    public void Publishing_an_event_larger_than_the_topic_takes_fails_naming_the_size_and_the_limit()
    {
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        DistributedPubSub pubSub = DistributedPubSub.Get(a, DistributedPubSubSettings.Default with { MaxEventBytes = 64 });
        var error = Assert.Throws<ArgumentException>(() => pubSub.Mediator.Tell(new Publish("big", new string('x', 100))));
        Assert.Contains("at most 64 bytes", error.Message);
        Assert.Contains("System.String", error.Message);
    }

    [Fact]
    public void Settings_are_validated_and_cannot_change_once_the_extension_runs()
    {
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        var invalid = Assert.Throws<ArgumentOutOfRangeException>(() => DistributedPubSub.Get(a, DistributedPubSubSettings.Default with { MaxEventBytes = 10 }));
        Assert.Contains("64..", invalid.Message);
        DistributedPubSub.Get(a);
        Assert.Throws<InvalidOperationException>(() => DistributedPubSub.Get(a, DistributedPubSubSettings.Default with { TopicCapacity = 8 }));
        Assert.Same(DistributedPubSub.Get(a), DistributedPubSub.Get(a, DistributedPubSubSettings.Default));
    }
}
