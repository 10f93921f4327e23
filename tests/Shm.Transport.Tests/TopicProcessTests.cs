using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Shm.Actors.PubSub;
using Shm.RemoteNode;
using Shm.TestKit;

namespace Shm.Transport.Tests;

/// <summary>Shm topics across real processes: fan-out to three subscriber processes, kills of a subscriber and of a publisher, loss.</summary>
[Collection(ChildProcesses.Collection)]
public sealed class TopicProcessTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private static int s_counter;

    public TopicProcessTests() : base(NodeConfig.Direct("publisher"), $"shmtest-{Environment.ProcessId}-tp{Interlocked.Increment(ref s_counter)}")
    {
    }

    private IActorRef Mediator => ShmPubSub.Get(Sys).Mediator;

    /// <summary>Receives <paramref name="count"/> answers and returns each node's events in the order they came.</summary>
    private Dictionary<string, List<string>> Answers(int count)
    {
        var byNode = new Dictionary<string, List<string>>();
        for (int i = 0; i < count; i++)
        {
            string[] answer = ExpectMsg<string>(s_timeout).Split(':', 2);
            (byNode.TryGetValue(answer[0], out List<string>? events) ? events : byNode[answer[0]] = []).Add(answer[1]);
        }
        return byNode;
    }

    private static IEnumerable<string> Numbers(int from, int count) => Enumerable.Range(from, count).Select(i => i.ToString());

    [Fact]
    public void Three_subscriber_processes_each_get_every_event_and_a_killed_one_takes_nothing_from_the_others()
    {
        using NodeProcess s1 = NodeProgram.StartTopicSubscriber(Sys.Name, "s1");
        using NodeProcess s2 = NodeProgram.StartTopicSubscriber(Sys.Name, "s2");
        using NodeProcess s3 = NodeProgram.StartTopicSubscriber(Sys.Name, "s3");
        const int Half = 500;
        for (int i = 0; i < Half; i++)
            Mediator.Tell(new Publish("news", i), TestActor);
        Dictionary<string, List<string>> first = Answers(3 * Half);
        foreach (string node in (string[])["s1", "s2", "s3"])
            Assert.Equal(Numbers(0, Half), first[node]);
        s2.Kill(); // mid-stream: the others go on
        for (int i = Half; i < 2 * Half; i++)
            Mediator.Tell(new Publish("news", i), TestActor);
        Dictionary<string, List<string>> second = Answers(2 * Half);
        Assert.Equal(["s1", "s3"], second.Keys.Order());
        foreach (List<string> events in second.Values)
            Assert.Equal(Numbers(Half, Half), events);
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        ShmNodes.RemoveSegments(Sys.Name);
    }

    [Fact]
    public void A_stopped_subscriber_process_that_falls_a_ring_behind_reports_exactly_what_it_lost()
    {
        using NodeProcess slow = NodeProgram.StartTopicSubscriber(Sys.Name, "slow"); // its ring: 4096 events (NodeConfig)
        Mediator.Tell(new Publish("news", -1), TestActor);
        ExpectMsg("slow:-1", s_timeout);
        slow.Pause();
        const int Events = 6000;
        for (int i = 0; i < Events; i++)
            Mediator.Tell(new Publish("news", i), TestActor);
        slow.Resume();
        string lost = ExpectMsg<string>(s_timeout);
        Assert.StartsWith("slow:lost:", lost);
        long count = long.Parse(lost["slow:lost:".Length..]);
        // After the gap, the newest events, in order, to the last one: with the gap, exactly what was published.
        for (long i = count; i < Events; i++)
            ExpectMsg($"slow:{i}", s_timeout);
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        ShmNodes.RemoveSegments(Sys.Name);
    }

    /// <summary>
    /// Counts the ticks it gets and checks each is the one after the last, or after a gap announced by a
    /// <see cref="TopicEventsLost"/> of exactly its size (a publisher faster than this node's reader laps it);
    /// "report" answers "COUNT:UNEXPLAINED-GAPS:LOST".
    /// </summary>
    private sealed class TickChecker : ReceiveActor
    {
        public TickChecker()
        {
            long count = 0, unexplained = 0, lost = 0, announced = 0, last = -1;
            Receive<long>(tick =>
            {
                if (last >= 0 && tick - last - 1 != announced)
                    unexplained++;
                announced = 0;
                last = tick;
                count++;
            });
            Receive<TopicEventsLost>(notice =>
            {
                lost += notice.Count;
                announced += notice.Count;
            });
            Receive<string>(message => message == "report", _ => Sender.Tell($"{count}:{unexplained}:{lost}"));
        }
    }

    [Fact]
    public async Task A_publisher_killed_mid_write_leaves_no_torn_event()
    {
        IActorRef checker = Sys.ActorOf(Props.Create(() => new TickChecker()));
        await Mediator.Ask<SubscribeAck>(new Subscribe("ticks", checker), s_timeout);
        using (NodeProcess publisher = NodeProgram.StartTopicPublisher(Sys.Name, "ticker"))
        {
            await AwaitConditionAsync(async () => long.Parse((await checker.Ask<string>("report", s_timeout)).Split(':')[0]) > 20_000, s_timeout);
            publisher.Kill(); // at whatever point of a publish it is
        }
        string[] report = (await checker.Ask<string>("report", s_timeout)).Split(':');
        // Every event delivered decoded whole and came in sequence, each gap announced with its exact size: a torn one
        // would have been delivered garbled (a gap no notice explains, or a corrupt event) instead of skipped.
        Assert.Equal("0", report[1]);
        Assert.Equal(0, ShmPubSub.Get(Sys).CorruptEvents);
        ShmNodes.RemoveSegments(Sys.Name);
    }
}
