using System.Globalization;
using Akka.Actor;
using Shm.Bench.Harness;

namespace Shm.Bench.AkkaRemote;

/// <summary>
/// What the direct-path provider costs actors that never leave their process: the same ping-pong between client and
/// echo actors of one system, with Akka's local provider and with ShmRemoteActorRefProvider over akka.remote.shm (whose
/// default dispatcher runs on <c>ShmReaderExecutorConfigurator</c>), in one run. Local refs are Akka's own either way.
/// </summary>
public sealed class LocalTellSuite : IBenchSuite
{
    private static readonly int[] s_clientCounts = [1, 10];
    private static readonly TimeSpan s_terminate = TimeSpan.FromSeconds(30);

    public string Name => "akka-local";

    public IEnumerable<BenchRow> Run(BenchContext context)
    {
        long roundTrips = context.Size(1_000_000, 100_000);
        int repetitions = context.Quick ? 2 : 3;
        TimeSpan warmUp = TimeSpan.FromSeconds(context.Quick ? 1 : 2);
        string directName = context.SegmentPrefix + "akka-local-direct";
        ActorSystem local = ActorSystem.Create(context.SegmentPrefix + "akka-local", AkkaHocon.Local());
        ActorSystem direct = ActorSystem.Create(directName, AkkaHocon.Direct("local"));
        // Every message serialized and deserialized as the direct path does, without leaving the process: what Akka's
        // serialization alone leaves of in-process Tell (akka.actor.serialize-messages, Akka's own switch).
        ActorSystem serialized = ActorSystem.Create(context.SegmentPrefix + "akka-local-serialized",
            Akka.Configuration.ConfigurationFactory.ParseString("akka.actor.serialize-messages = on").WithFallback(AkkaHocon.Local()));
        try
        {
            IReadOnlyList<IActorRef> localEchoes = Echoes(local);
            IReadOnlyList<IActorRef> directEchoes = Echoes(direct);
            IReadOnlyList<IActorRef> serializedEchoes = Echoes(serialized);
            static void NoCheck()
            {
            }
            PingPongRounds.WarmUp(local, localEchoes, warmUp, NoCheck);
            PingPongRounds.WarmUp(direct, directEchoes, warmUp, NoCheck);
            PingPongRounds.WarmUp(serialized, serializedEchoes, warmUp, NoCheck);
            var rows = new List<BenchRow>();
            foreach (int clients in s_clientCounts)
            {
                PingPongRounds.Measured ours = default, baseline = default, withSerialization = default;
                for (int r = 0; r < repetitions; r++)
                {
                    PingPongRounds.Measured b = PingPongRounds.Round(local, localEchoes, clients, roundTrips, NoCheck);
                    PingPongRounds.Measured o = PingPongRounds.Round(direct, directEchoes, clients, roundTrips, NoCheck);
                    PingPongRounds.Measured z = PingPongRounds.Round(serialized, serializedEchoes, clients, roundTrips / 10, NoCheck);
                    context.Log(b.Line("local"));
                    context.Log(o.Line("direct"));
                    context.Log(z.Line("serialized"));
                    if (o.Rate > ours.Rate) ours = o;
                    if (b.Rate > baseline.Rate) baseline = b;
                    if (z.Rate > withSerialization.Rate) withSerialization = z;
                }
                rows.Add(new BenchRow($"akka.local.pingpong.c{clients}", ours.Rate, "msgs/s (both ways)",
                    "the same actors with Akka's local provider (in-process Tell)", baseline.Rate));
                rows.Add(new BenchRow($"akka.local.serialize_messages.c{clients}", withSerialization.Rate, "msgs/s (both ways)",
                    "the same, every message serialized and deserialized (akka.actor.serialize-messages = on)", baseline.Rate));
            }
            // Akka's Ask alone: to a ref that answers inside the Tell, against an ask to a local echo actor.
            int asks = (int)context.Size(20_000, 2_000);
            var inline = new InlineEcho((ExtendedActorSystem)local);
            AskRtt.Measure(inline, asks, NoCheck);
            AskRtt.Measure(localEchoes[0], asks, NoCheck);
            (double P50, double P99) floor = AskRtt.Measure(inline, asks, NoCheck);
            (double P50, double P99) echoed = AskRtt.Measure(localEchoes[0], asks, NoCheck);
            context.Log(string.Create(CultureInfo.InvariantCulture,
                $"  ask, sequential ({asks:N0}): a ref answering inside the Tell p50 {floor.P50:0.00} us, p99 {floor.P99:0.00} us; a local echo actor p50 {echoed.P50:0.00} us, p99 {echoed.P99:0.00} us"));
            rows.Add(new BenchRow("akka.local.ask.inline_p50_us", floor.P50, "us",
                "Ask to a local echo actor (Akka's local provider, default dispatcher)", echoed.P50, HigherIsBetter: false));
            context.Log(string.Create(CultureInfo.InvariantCulture,
                $"  in-process ping-pong: {roundTrips:N0} round trips per client, {PingPongRounds.InFlight} in flight; ours = ShmRemoteActorRefProvider's system"));
            return rows;
        }
        finally
        {
            Task.WaitAll([local.Terminate(), direct.Terminate(), serialized.Terminate()], s_terminate);
            foreach (string file in Directory.GetFiles("/dev/shm", directName + ".*"))
                File.Delete(file);
        }
    }

    private static IReadOnlyList<IActorRef> Echoes(ActorSystem system) =>
        [.. Enumerable.Range(0, EchoServer.Echoes).Select(i => system.ActorOf(Props.Create(typeof(EchoServer.Echo)), "echo-" + i))];
}
