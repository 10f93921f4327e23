using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Shm.Actors.PubSub;
using Shm.RemoteNode;
using Shm.TestKit;

namespace Shm.Transport.Tests;

/// <summary>
/// The shm mediator between two systems of this process (the test kit's is node "a", each test starts "b"): Akka's
/// DistributedPubSub messages over shared-memory topic rings. Across real processes: <see cref="TopicProcessTests"/>.
/// </summary>
public sealed class ShmPubSubTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);
    private readonly ShmNodes _nodes;

    public ShmPubSubTests() : this(new ShmNodes())
    {
    }

    private ShmPubSubTests(ShmNodes nodes) : base(nodes.ConfigOf("a", provider: NodeConfig.DirectProvider), nodes.SystemName)
    {
        _nodes = nodes;
    }

    /// <summary>Answers each event to its sender with "NODE:EVENT".</summary>
    private sealed class Replier : ReceiveActor
    {
        public Replier(string node) => ReceiveAny(message => Sender.Tell($"{node}:{message}"));
    }

    /// <summary>An event type of the shared event stream.</summary>
    public sealed record Shared(string From, int Number);

    private ActorSystem StartB(string extra = "") => _nodes.Start("b", extra, provider: NodeConfig.DirectProvider);

    private static async Task Subscribe(ActorSystem system, string topic, IActorRef subscriber) =>
        await ShmPubSub.Get(system).Mediator.Ask<SubscribeAck>(new Subscribe(topic, subscriber), s_timeout);

    private IActorRef Mediator => ShmPubSub.Get(Sys).Mediator;

    [Fact]
    public async Task Every_node_s_subscribers_get_each_event_once_in_publish_order()
    {
        ActorSystem b = StartB();
        await Subscribe(b, "news", b.ActorOf(Props.Create(() => new Replier("b"))));
        await Subscribe(Sys, "news", Sys.ActorOf(Props.Create(() => new Replier("a"))));
        const int Events = 2000;
        for (int i = 0; i < Events; i++)
            Mediator.Tell(new Publish("news", i), TestActor);
        var byNode = new Dictionary<string, List<string>> { ["a"] = [], ["b"] = [] };
        for (int i = 0; i < 2 * Events; i++)
        {
            string[] reply = ExpectMsg<string>(s_timeout).Split(':');
            byNode[reply[0]].Add(reply[1]);
        }
        foreach (List<string> events in byNode.Values)
            Assert.Equal(Enumerable.Range(0, Events).Select(i => i.ToString()), events);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(0, ShmPubSub.Get(b).EventsLost);
    }

    [Fact]
    public async Task Unsubscribe_is_acknowledged_and_ends_delivery_and_topics_are_listed_box_wide()
    {
        ActorSystem b = StartB();
        IActorRef subscriber = b.ActorOf(Props.Create(() => new Replier("b")));
        await Subscribe(b, "weather", subscriber);
        CurrentTopics topics = await Mediator.Ask<CurrentTopics>(GetTopics.Instance, s_timeout); // b created the ring, a lists it
        Assert.Contains("weather", topics.Topics);
        Mediator.Tell(new Publish("weather", "sunny"), TestActor);
        ExpectMsg("b:sunny", s_timeout);
        await ShmPubSub.Get(b).Mediator.Ask<UnsubscribeAck>(new Unsubscribe("weather", subscriber), s_timeout);
        Mediator.Tell(new Publish("weather", "rain"), TestActor);
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task Groups_are_refused_and_bad_topic_names_fail_the_subscribe_naming_the_limit()
    {
        var group = await Assert.ThrowsAsync<NotSupportedException>(() => Mediator.Ask<SubscribeAck>(new Subscribe("news", TestActor, "workers"), s_timeout));
        Assert.Contains("workers", group.Message);
        var name = await Assert.ThrowsAsync<ArgumentException>(() => Mediator.Ask<SubscribeAck>(new Subscribe(new string('t', 65), TestActor), s_timeout));
        Assert.Contains("at most 64 bytes", name.Message);
    }

    [Fact]
    public async Task SendToAll_reaches_the_actor_put_at_the_path_on_every_node_and_Send_the_one_here()
    {
        ActorSystem b = StartB();
        IActorRef onA = Sys.ActorOf(Props.Create(() => new Replier("a")), "service");
        IActorRef onB = b.ActorOf(Props.Create(() => new Replier("b")), "service");
        ShmPubSub.Get(b).Mediator.Tell(new Put(onB));
        Mediator.Tell(new Put(onA));
        // Put is acknowledged by nothing in Akka: the first SendToAll that reaches both shows both registrations are in.
        await AwaitConditionAsync(async () =>
        {
            Mediator.Tell(new SendToAll("/user/service", "probe"), TestActor);
            var replies = new HashSet<string>();
            try
            {
                while (true)
                    replies.Add(ExpectMsg<string>(TimeSpan.FromMilliseconds(300)));
            }
            catch (Exception)
            {
                // no more replies
            }
            return replies.SetEquals(["a:probe", "b:probe"]);
        }, s_timeout);
        Mediator.Tell(new SendToAll("/user/service", "all but here", excludeSelf: true), TestActor);
        ExpectMsg("b:all but here", s_timeout);
        Mediator.Tell(new Send("/user/service", "one"), TestActor);
        ExpectMsg("a:one", s_timeout);
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void Shared_event_stream_types_reach_every_node_once()
    {
        ActorSystem b = StartB();
        ShmPubSub.Get(Sys).ShareEvents<Shared>();
        ShmPubSub.Get(b).ShareEvents<Shared>();
        var onB = CreateTestProbe(b);
        Sys.EventStream.Subscribe(TestActor, typeof(Shared));
        b.EventStream.Subscribe(onB.Ref, typeof(Shared));
        Sys.EventStream.Publish(new Shared("a", 1));
        b.EventStream.Publish(new Shared("b", 2));
        var seenOnB = new List<Shared> { onB.ExpectMsg<Shared>(s_timeout), onB.ExpectMsg<Shared>(s_timeout) };
        var seenOnA = new List<Shared> { ExpectMsg<Shared>(s_timeout), ExpectMsg<Shared>(s_timeout) };
        Assert.Equal([new Shared("a", 1), new Shared("b", 2)], seenOnB.OrderBy(e => e.Number));
        Assert.Equal([new Shared("a", 1), new Shared("b", 2)], seenOnA.OrderBy(e => e.Number));
        ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // each node's own events once, not again from the ring
        onB.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    /// <summary>Blocks its first turn until released; counts events and lost events; "count" answers "EVENTS+LOST".</summary>
    private sealed class SlowCounter : ReceiveActor
    {
        public static readonly ManualResetEventSlim Released = new();

        public SlowCounter()
        {
            long events = 0, lost = 0;
            Receive<TopicEventsLost>(notice => lost += notice.Count);
            Receive<string>(message => message == "count", _ => Sender.Tell($"{events}+{lost}"));
            ReceiveAny(_ =>
            {
                if (events++ == 0)
                    Assert.True(Released.Wait(TimeSpan.FromMinutes(1)));
            });
        }
    }

    [Fact]
    public async Task A_node_that_falls_a_ring_behind_is_told_exactly_how_many_events_it_lost()
    {
        ActorSystem b = StartB("akka.shm.pub-sub { topic-capacity = 16, max-pending-per-subscriber = 1 }");
        IActorRef counter = b.ActorOf(Props.Create(() => new SlowCounter()));
        await Subscribe(b, "flood", counter); // b creates the ring: 16 events
        const int Events = 500;
        for (int i = 0; i < Events; i++)
            Mediator.Tell(new Publish("flood", i));
        SlowCounter.Released.Set();
        await AwaitConditionAsync(async () =>
        {
            string[] parts = (await counter.Ask<string>("count", s_timeout)).Split('+');
            return long.Parse(parts[0]) + long.Parse(parts[1]) == Events;
        }, s_timeout);
        string[] final = (await counter.Ask<string>("count", s_timeout)).Split('+');
        Assert.True(long.Parse(final[1]) > 0, "nothing was lost, so the test did not test loss");
        Assert.Equal(long.Parse(final[1]), ShmPubSub.Get(b).EventsLost);
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        _nodes.Dispose();
    }
}
