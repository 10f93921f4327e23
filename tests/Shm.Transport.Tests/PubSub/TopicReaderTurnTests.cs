using Shm.TestKit.MultiNode;
using Shm.Transport.PubSub;
using Shm.TransportNode;

namespace Shm.Transport.Tests.PubSub;

/// <summary>
/// A topic subscriber that tells whether its turn ran on the topic reader's loop ("where"), blocks that loop until the
/// gate opens ("block", only when its turn runs there) and opens the gate ("open").
/// </summary>
public sealed class GatedSubscriber : ReceiveActor
{
    public GatedSubscriber(ManualResetEventSlim gate) => Receive<string>(text =>
    {
        string place = Environment.StackTrace.Contains("Shm.Transport.PubSub.TopicReader.Dispatch", StringComparison.Ordinal) ? "reader" : "pool";
        switch (text)
        {
            case "block" when place == "reader":
                gate.Wait(TimeSpan.FromMinutes(2));
                break;
            case "open":
                gate.Set();
                break;
        }
        Sender.Tell($"{text}:{place}", Self);
    });
}

/// <summary>A topic reader runs a quick subscriber's turn on its own loop; one that blocks the loop is replaced by a new loop.</summary>
public sealed class TopicReaderTurnTests
{
    private static readonly TimeSpan s_ask = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_subscriber_turn_that_blocks_the_topic_reader_until_a_later_event_is_released_by_a_new_loop()
    {
        using var gate = new ManualResetEventSlim();
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a"), b = cluster.StartNode("b");
        MultiNodeCluster.AwaitMembers(a, ["b"]);
        MultiNodeCluster.AwaitMembers(b, ["a"]);
        var (collector, inbox) = Collector.Start(a, "collector");
        DistributedPubSub pubSub = DistributedPubSub.Get(b);
        foreach (string name in new[] { "first", "second" })
        {
            IActorRef subscriber = b.ActorOf(Props.Create(() => new GatedSubscriber(gate)), name);
            pubSub.Mediator.Ask<SubscribeAck>(new Subscribe("gated", subscriber), s_ask).GetAwaiter().GetResult();
        }
        IActorRef mediator = DistributedPubSub.Get(a).Mediator;

        // Until one of the two runs on the reader's loop (their start-up turns may hold them on the pool at first).
        bool onReader = false;
        for (int i = 0; i < 50 && !onReader; i++)
        {
            mediator.Tell(new Publish("gated", "where"), collector);
            onReader = new[] { inbox.Next<string>(), inbox.Next<string>() }.Contains("where:reader");
        }
        Assert.True(onReader, "no subscriber's turn ran on the topic reader");

        // The subscriber on the loop blocks it, and the event that opens the gate is behind it in the same topic: only
        // a new loop can deliver it.
        mediator.Tell(new Publish("gated", "block"), collector);
        mediator.Tell(new Publish("gated", "open"), collector);
        string[] replies = [.. Enumerable.Range(0, 4).Select(_ => inbox.Next<string>()).Order(StringComparer.Ordinal)];
        Assert.Equal(["block:pool", "block:reader", "open:pool", "open:reader"], replies);
        Assert.Equal(1, pubSub.TopicReaderTakeOvers);

        // The topic reads on, on the new loop.
        mediator.Tell(new Publish("gated", "after"), collector);
        Assert.All(new[] { inbox.Next<string>(), inbox.Next<string>() }, reply => Assert.StartsWith("after:", reply));
    }
}
