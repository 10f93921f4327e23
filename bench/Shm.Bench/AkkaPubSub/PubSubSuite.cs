using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Shm.Bench.Harness;
using Shm.Actors.PubSub;

namespace Shm.Bench.AkkaPubSub;

/// <summary>
/// Broadcast to three subscriber processes with Akka.NET actors: one publisher (this process) publishes a round of
/// events to a topic, and each subscriber process counts them with one actor; the rate is events per second per
/// subscriber node, from its first event to its last. Over the shm mediator (<see cref="ShmPubSub"/>, a backpressure
/// topic, so nothing is lost and the publisher goes at the slowest reader's pace), and over Akka's DistributedPubSub on
/// an Akka.Cluster of the four processes, on DotNetty TCP and on akka.remote.shm, in one run. A row also compares the
/// shm publisher's rate with three subscribers to its rate with one.
/// </summary>
public sealed class PubSubSuite : IBenchSuite, IBenchChildRoles
{
    private const string Unit = "events/s per subscriber";
    private static readonly TimeSpan s_round = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan s_ready = TimeSpan.FromMinutes(1);

    public string Name => "akka-pubsub";

    public bool Handles(string role) => role == PubSubSubscriber.Role;

    public int RunChild(string role, string[] args) => PubSubSubscriber.Run(args);

    public IEnumerable<BenchRow> Run(BenchContext context)
    {
        long events = context.Size(1_000_000, 100_000);
        long clusterEvents = context.Size(200_000, 20_000); // DistributedPubSub is far slower: fewer events, same shape
        int repetitions = context.Quick ? 1 : 3;
        var rows = new List<BenchRow>();

        (double shmOne, double shmOnePublish, double shm, double shmPublish) = MeasureShm(context, events, repetitions);
        double tcp = MeasureCluster(context, "cluster-tcp", clusterEvents, repetitions);
        double overShm = MeasureCluster(context, "cluster-shm", clusterEvents, repetitions);
        rows.Add(new BenchRow("akka.pubsub.s3.per_subscriber", shm, Unit, "DistributedPubSub on Akka.Cluster over DotNetty TCP (1 publisher, 3 subscriber processes)", tcp));
        rows.Add(new BenchRow("akka.pubsub.s3.per_subscriber.vs_shm_cluster", shm, Unit, "DistributedPubSub on Akka.Cluster over akka.remote.shm (same shape)", overShm));
        rows.Add(new BenchRow("akka.pubsub.s3.publish_rate", shmPublish, "events/s published", "the same shm publisher with 1 subscriber process", shmOnePublish));
        rows.Add(new BenchRow("akka.pubsub.s1.per_subscriber", shmOne, Unit, "DistributedPubSub on Akka.Cluster over DotNetty TCP (3 subscribers)", tcp));
        return rows;
    }

    /// <summary>The shm mediator: one subscriber process, then three; the best round of each (slowest subscriber's rate, publish rate).</summary>
    private static (double OneRate, double OnePublish, double Rate, double Publish) MeasureShm(BenchContext context, long events, int repetitions)
    {
        string name = context.SegmentPrefix + "akka-pubsub";
        var subscribers = new List<Subscriber>();
        ActorSystem system = ActorSystem.Create(name, PubSubSubscriber.ConfigOf("shm", "publisher", ""));
        try
        {
            IActorRef mediator = ShmPubSub.Get(system).Mediator;
            subscribers.Add(Subscriber.Start("shm", name, "sub-1", ""));
            Round(mediator, subscribers, events); // warm-up: the first round runs on code not yet optimized by the JIT
            (double oneRate, double onePublish) = BestOf(context, "shm, 1 subscriber", repetitions, () => Round(mediator, subscribers, events));
            subscribers.Add(Subscriber.Start("shm", name, "sub-2", ""));
            subscribers.Add(Subscriber.Start("shm", name, "sub-3", ""));
            Round(mediator, subscribers, events);
            (double rate, double publish) = BestOf(context, "shm, 3 subscribers", repetitions, () => Round(mediator, subscribers, events));
            long lost = ShmPubSub.Get(system).EventsLost;
            if (lost != 0)
                throw new InvalidOperationException($"A backpressure topic lost {lost} events.");
            return (oneRate, onePublish, rate, publish);
        }
        finally
        {
            EndRun(system, name, subscribers);
        }
    }

    /// <summary>DistributedPubSub on an Akka.Cluster of this process (the seed and publisher) and three subscriber processes.</summary>
    private static double MeasureCluster(BenchContext context, string mediatorKind, long events, int repetitions)
    {
        string name = context.SegmentPrefix + mediatorKind;
        var subscribers = new List<Subscriber>();
        string seed = mediatorKind == "cluster-shm" ? $"akka.shm://{name}@publisher:{Shm.Transport.Remote.SharedMemoryTransport.Port}" : "";
        ActorSystem system = ActorSystem.Create(name, PubSubSubscriber.ConfigOf(mediatorKind, "publisher", seed));
        try
        {
            var cluster = Akka.Cluster.Cluster.Get(system);
            if (seed.Length == 0)
                seed = cluster.SelfAddress.ToString();
            cluster.Join(cluster.SelfAddress);
            for (int i = 1; i <= 3; i++)
                subscribers.Add(Subscriber.Start(mediatorKind, name, $"sub-{i}", seed));
            IActorRef mediator = DistributedPubSub.Get(system).Mediator;
            // The subscriptions reach the publisher's mediator by gossip: probe until every subscriber has seen one.
            long start = Stopwatch.GetTimestamp();
            while (!subscribers.All(s => s.Seen))
            {
                if (Stopwatch.GetElapsedTime(start) > s_ready)
                    throw new TimeoutException($"The {mediatorKind} subscribers did not all see a probe within {s_ready.TotalSeconds} s.");
                mediator.Tell(new Publish(PubSubSubscriber.Topic, PubSubSubscriber.Probe));
                foreach (Subscriber subscriber in subscribers)
                    subscriber.PollSeen(TimeSpan.FromMilliseconds(100));
            }
            context.Log(string.Create(CultureInfo.InvariantCulture, $"  {mediatorKind}: 4-node cluster up and subscribed {Stopwatch.GetElapsedTime(start).TotalSeconds:F1} s after the last subscriber started"));
            Round(mediator, subscribers, events / 4); // warm-up (later probes are not counted: the counter skips them)
            return BestOf(context, $"{mediatorKind}, 3 subscribers", repetitions, () => Round(mediator, subscribers, events)).Rate;
        }
        finally
        {
            EndRun(system, name, subscribers);
        }
    }

    /// <summary>Ends a run: its subscriber processes, its system, and the segments its system name left.</summary>
    private static void EndRun(ActorSystem system, string name, List<Subscriber> subscribers)
    {
        foreach (Subscriber subscriber in subscribers)
            subscriber.Dispose();
        system.Terminate().Wait(TimeSpan.FromSeconds(30));
        foreach (string file in Directory.GetFiles("/dev/shm", name + ".*"))
            File.Delete(file);
    }

    private static (double Rate, double Publish) BestOf(BenchContext context, string what, int repetitions, Func<(double Rate, double Publish, string Line)> round)
    {
        (double Rate, double Publish) best = default;
        for (int r = 0; r < repetitions; r++)
        {
            (double rate, double publish, string line) = round();
            context.Log($"  {what}: {line}");
            if (rate > best.Rate)
                best = (rate, publish);
        }
        return best;
    }

    /// <summary>One round: <paramref name="events"/> events then the end marker; the slowest subscriber's rate and the publish rate.</summary>
    private static (double Rate, double Publish, string Line) Round(IActorRef mediator, IReadOnlyList<Subscriber> subscribers, long events)
    {
        long start = Stopwatch.GetTimestamp();
        for (long i = 0; i < events; i++)
            mediator.Tell(new Publish(PubSubSubscriber.Topic, "e"));
        double publish = events / Stopwatch.GetElapsedTime(start).TotalSeconds;
        mediator.Tell(new Publish(PubSubSubscriber.Topic, PubSubSubscriber.End));
        var rates = new List<double>();
        foreach (Subscriber subscriber in subscribers)
        {
            (long count, long ticks, long lost) = subscriber.AwaitDone(s_round);
            if (count != events || lost != 0)
                throw new InvalidOperationException($"Subscriber {subscriber.Node} got {count} of {events} events ({lost} lost).");
            rates.Add(count / (ticks / (double)Stopwatch.Frequency));
        }
        string line = string.Create(CultureInfo.InvariantCulture,
            $"{events:N0} events, published at {publish / 1e6:F2}M/s; per subscriber {string.Join(", ", rates.Select(r => $"{r / 1e6:F2}M/s"))}");
        return (rates.Min(), publish, line);
    }

    /// <summary>A subscriber process and its standard output.</summary>
    private sealed class Subscriber : IDisposable
    {
        private readonly Process _child;
        private Task<string?>? _pending;

        private Subscriber(Process child, string node)
        {
            _child = child;
            Node = node;
        }

        public string Node { get; }

        public bool Seen { get; private set; }

        public static Subscriber Start(string mediator, string system, string node, string seed)
        {
            Process child = ChildProcess.Start(PubSubSubscriber.Role, PubSubSubscriber.Arguments(mediator, system, node, seed));
            var subscriber = new Subscriber(child, node);
            string? line = subscriber.ReadLine(s_ready);
            if (line != "ready")
            {
                subscriber.Dispose();
                throw new InvalidOperationException($"The {mediator} subscriber {node} did not start (it printed '{line}').");
            }
            return subscriber;
        }

        public void PollSeen(TimeSpan wait)
        {
            if (!Seen && TryReadLine(wait, out string? line))
                Seen = line == "seen" ? true : throw new InvalidOperationException($"Subscriber {Node} printed '{line}' instead of seen.");
        }

        public (long Count, long Ticks, long Lost) AwaitDone(TimeSpan wait)
        {
            string? line = ReadLine(wait);
            string[] parts = line?.Split(' ') ?? [];
            if (parts.Length != 4 || parts[0] != "done")
                throw new InvalidOperationException($"Subscriber {Node} printed '{line}' instead of its round's count.");
            return (long.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture), long.Parse(parts[3], CultureInfo.InvariantCulture));
        }

        private string? ReadLine(TimeSpan wait) =>
            TryReadLine(wait, out string? line) ? line : throw new TimeoutException($"Subscriber {Node} printed nothing in {wait.TotalSeconds} s.");

        private bool TryReadLine(TimeSpan wait, out string? line)
        {
            _pending ??= _child.StandardOutput.ReadLineAsync();
            if (!_pending.Wait(wait))
            {
                line = null;
                return false;
            }
            line = _pending.Result;
            _pending = null;
            return true;
        }

        public void Dispose()
        {
            try
            {
                if (!_child.HasExited)
                    _child.Kill();
                _child.WaitForExit();
            }
            catch (InvalidOperationException)
            {
            }
            _child.Dispose();
        }
    }
}
