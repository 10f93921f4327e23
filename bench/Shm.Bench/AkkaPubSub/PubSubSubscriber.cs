using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using Shm.Bench.AkkaRemote;
using Shm.Bench.Harness;
using Shm.Actors.PubSub;

namespace Shm.Bench.AkkaPubSub;

/// <summary>
/// A subscriber process of the suite (role <see cref="Role"/>): subscribes one counting actor to the topic, over the
/// shm mediator or Akka's DistributedPubSub on Akka.Cluster, and prints on standard output: <c>ready</c> once
/// subscribed, <c>seen</c> at the first probe (the cluster mediator's gossip has reached the publisher), and
/// <c>done COUNT TICKS LOST</c> at each round's end marker (events, Stopwatch ticks from the first event to the marker,
/// events lost). It ends when its parent process is gone.
/// </summary>
internal static class PubSubSubscriber
{
    public const string Role = "akka-pubsub-subscriber";
    public const string Topic = "bench";
    public const string Probe = "probe";
    public const string End = "end";

    private static readonly TimeSpan s_lifetime = TimeSpan.FromMinutes(20);

    /// <summary>The arguments: mediator (<c>shm</c>, <c>cluster-tcp</c>, <c>cluster-shm</c>), system, node, parent pid, seed address (clusters).</summary>
    public static string[] Arguments(string mediator, string system, string node, string seed) =>
        [mediator, system, node, Environment.ProcessId.ToString(CultureInfo.InvariantCulture), seed];

    /// <summary>The configuration of every process of a run over <paramref name="mediator"/> (the publisher's too).</summary>
    public static Config ConfigOf(string mediator, string node, string seed) => mediator switch
    {
        "shm" => ConfigurationFactory.ParseString("akka.shm.pub-sub { mode = backpressure, topic-capacity = 65536, publish-timeout = 60s }")
            .WithFallback(AkkaHocon.Shm(node)),
        "cluster-tcp" => Cluster(seed).WithFallback(AkkaHocon.Tcp()),
        "cluster-shm" => Cluster(seed).WithFallback(AkkaHocon.Shm(node)),
        _ => throw new ArgumentException($"Mediator '{mediator}' is not shm, cluster-tcp or cluster-shm.", nameof(mediator)),
    };

    private static Config Cluster(string seed) => ConfigurationFactory.ParseString($$"""
        akka.actor.provider = cluster
        akka.cluster.seed-nodes = [{{(seed.Length == 0 ? "" : $"\"{seed}\"")}}]
        akka.cluster.pub-sub.gossip-interval = 200ms
        akka.extensions = ["Akka.Cluster.Tools.PublishSubscribe.DistributedPubSubExtensionProvider, Akka.Cluster.Tools"]
        """).WithFallback(DistributedPubSub.DefaultConfig());

    public static int Run(string[] args)
    {
        if (args.Length != 5)
        {
            Console.Error.WriteLine($"usage: --child {Role} shm|cluster-tcp|cluster-shm SYSTEM NODE PARENT-PID SEED");
            return 2;
        }
        (string mediator, string systemName, string node, int parent, string seed) = (args[0], args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture), args[4]);
        ActorSystem system = ActorSystem.Create(systemName, ConfigOf(mediator, node, seed));
        IActorRef counter = system.ActorOf(Props.Create(typeof(Counter)), "counter");
        IActorRef topics;
        if (mediator == "shm")
        {
            topics = ShmPubSub.Get(system).Mediator;
        }
        else
        {
            var up = new TaskCompletionSource();
            Akka.Cluster.Cluster.Get(system).RegisterOnMemberUp(() => up.TrySetResult());
            if (!up.Task.Wait(TimeSpan.FromMinutes(1)))
                throw new TimeoutException($"Node {node} did not become Up in the cluster of {seed}.");
            topics = DistributedPubSub.Get(system).Mediator;
        }
        topics.Ask<SubscribeAck>(new Subscribe(Topic, counter), TimeSpan.FromMinutes(1)).Wait();
        Console.WriteLine("ready");
        Console.Out.Flush();
        ParentProcess.AwaitExit(parent, s_lifetime);
        system.Terminate().Wait(TimeSpan.FromSeconds(10));
        return 0;
    }

    /// <summary>Counts a round's events and reports them at its end marker.</summary>
    internal sealed class Counter : ReceiveActor
    {
        public Counter()
        {
            long count = 0, first = 0, last = 0, lost = 0;
            bool seen = false;
            Receive<TopicEventsLost>(notice => lost += notice.Count);
            Receive<string>(message =>
            {
                if (message == Probe)
                {
                    if (!seen)
                        Report("seen");
                    seen = true;
                    return;
                }
                if (message == End)
                {
                    // The marker follows the round's last event in the ring: its arrival is the last event's time, to
                    // within one delivery (and no clock is read per event).
                    last = Stopwatch.GetTimestamp();
                    Report(string.Create(CultureInfo.InvariantCulture, $"done {count} {last - first} {lost}"));
                    count = first = last = lost = 0;
                    return;
                }
                if (count++ == 0)
                    first = Stopwatch.GetTimestamp();
            });
        }

        private static void Report(string line)
        {
            Console.WriteLine(line);
            Console.Out.Flush();
        }
    }
}
