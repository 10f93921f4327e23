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
        try
        {
            IReadOnlyList<IActorRef> localEchoes = Echoes(local);
            IReadOnlyList<IActorRef> directEchoes = Echoes(direct);
            static void NoCheck()
            {
            }
            PingPongRounds.WarmUp(local, localEchoes, warmUp, NoCheck);
            PingPongRounds.WarmUp(direct, directEchoes, warmUp, NoCheck);
            var rows = new List<BenchRow>();
            foreach (int clients in s_clientCounts)
            {
                PingPongRounds.Measured ours = default, baseline = default;
                for (int r = 0; r < repetitions; r++)
                {
                    PingPongRounds.Measured b = PingPongRounds.Round(local, localEchoes, clients, roundTrips, NoCheck);
                    PingPongRounds.Measured o = PingPongRounds.Round(direct, directEchoes, clients, roundTrips, NoCheck);
                    context.Log(b.Line("local"));
                    context.Log(o.Line("direct"));
                    if (o.Rate > ours.Rate) ours = o;
                    if (b.Rate > baseline.Rate) baseline = b;
                }
                rows.Add(new BenchRow($"akka.local.pingpong.c{clients}", ours.Rate, "msgs/s (both ways)",
                    "the same actors with Akka's local provider (in-process Tell)", baseline.Rate));
            }
            context.Log(string.Create(CultureInfo.InvariantCulture,
                $"  in-process ping-pong: {roundTrips:N0} round trips per client, {PingPongRounds.InFlight} in flight; ours = ShmRemoteActorRefProvider's system"));
            return rows;
        }
        finally
        {
            Task.WaitAll([local.Terminate(), direct.Terminate()], s_terminate);
            foreach (string file in Directory.GetFiles("/dev/shm", directName + ".*"))
                File.Delete(file);
        }
    }

    private static IReadOnlyList<IActorRef> Echoes(ActorSystem system) =>
        [.. Enumerable.Range(0, EchoServer.Echoes).Select(i => system.ActorOf(Props.Create(typeof(EchoServer.Echo)), "echo-" + i))];
}
