using System.Globalization;
using Akka.Actor;
using Shm.Bench.Harness;

namespace Shm.Bench.AkkaRemote;

/// <summary>
/// Akka.NET itself (Akka.Remote 1.5.75) across two processes: actors in this process talk to echo actors in a child
/// process (<see cref="EchoServer"/>) over <c>akka.remote.shm</c> and, in the same run, over Akka's default DotNetty TCP
/// transport on loopback. Rows: RemotePingPong with 1 and 10 client/echo pairs, sequential Ask round trips, the same
/// ping-pong between two systems of one process over Akka's in-memory TestTransport (the ceiling of Akka's own pipeline),
/// and the time from kill -9 of the child to DeathWatch's <c>Terminated</c>; and the ping-pong and asks once more on the
/// direct path (<c>ShmRemoteActorRefProvider</c>: Tell straight into the other node's inbox ring), against TCP and
/// against Akka.Remote over shm of the same run. Every message is the string "hit" on every
/// transport. Children: one per transport, killed by the DeathWatch rows (and one more per extra kill in full runs).
/// </summary>
public sealed class AkkaRemoteSuite : IBenchSuite, IBenchChildRoles
{
    private const string ClientNode = "client";
    private const string ServerNode = "server";
    private const string SegmentDirectory = "/dev/shm"; // ShmRemotingOptions' default: where every shm node's segments go
    private const string RateUnit = "msgs/s (both ways)";
    private static readonly int[] s_clientCounts = [1, 10];
    private static readonly TimeSpan s_terminate = TimeSpan.FromSeconds(30);

    public string Name => "akka";

    public IEnumerable<BenchRow> Run(BenchContext context)
    {
        long roundTrips = context.Size(100_000, 10_000);
        int repetitions = context.Quick ? 2 : 3;
        int asks = (int)context.Size(5_000, 1_000);
        int askWarmUp = (int)context.Size(2_000, 500);
        int askRepetitions = context.Quick ? 1 : 3;
        int kills = context.Quick ? 1 : 2;
        TimeSpan warmUp = TimeSpan.FromSeconds(context.Quick ? 1.5 : 3);
        string shmName = context.SegmentPrefix + "akka";
        string tcpName = context.SegmentPrefix + "akka-tcp";
        string directName = context.SegmentPrefix + "akka-direct";
        var rows = new List<BenchRow>();
        var peers = new List<EchoPeer>();
        ActorSystem? shmSystem = null, tcpSystem = null, directSystem = null;
        try
        {
            shmSystem = ActorSystem.Create(shmName, AkkaHocon.Shm(ClientNode));
            tcpSystem = ActorSystem.Create(tcpName, AkkaHocon.Tcp());
            directSystem = ActorSystem.Create(directName, AkkaHocon.Direct(ClientNode));
            string serializer = SerializerOfPayload(shmSystem, tcpSystem);
            string tcpBaseline = $"Akka.Remote over DotNetty TCP, loopback (string msgs, {serializer})";
            EchoPeer shm = Track(peers, EchoPeer.Start(context, shmSystem, "shm", ServerNode));
            EchoPeer tcp = Track(peers, EchoPeer.Start(context, tcpSystem, "tcp", ServerNode));
            EchoPeer direct = Track(peers, EchoPeer.Start(context, directSystem, "direct", ServerNode));
            PingPongRounds.WarmUp(directSystem, direct.Echoes, warmUp, direct.ThrowIfExited);
            PingPongRounds.WarmUp(shmSystem, shm.Echoes, warmUp, shm.ThrowIfExited);
            PingPongRounds.WarmUp(tcpSystem, tcp.Echoes, warmUp, tcp.ThrowIfExited);

            context.Log(string.Create(CultureInfo.InvariantCulture,
                $"  ping-pong: {roundTrips:N0} round trips per client, {PingPongRounds.InFlight} in flight per client, messages counted both ways, best of {repetitions}"));
            context.Log("  transport  clients  total [msg]      msgs/s  total [ms]");
            var shmBest = new Dictionary<int, double>();
            var directRows = new List<BenchRow>();
            foreach (int clients in s_clientCounts)
            {
                PingPongRounds.Measured ours = default, baseline = default, straight = default;
                for (int r = 0; r < repetitions; r++)
                {
                    PingPongRounds.Measured o = PingPongRounds.Round(shmSystem, shm.Echoes, clients, roundTrips, shm.ThrowIfExited);
                    PingPongRounds.Measured b = PingPongRounds.Round(tcpSystem, tcp.Echoes, clients, roundTrips, tcp.ThrowIfExited);
                    PingPongRounds.Measured d = PingPongRounds.Round(directSystem, direct.Echoes, clients, roundTrips, direct.ThrowIfExited);
                    context.Log(o.Line("shm"));
                    context.Log(b.Line("tcp"));
                    context.Log(d.Line("direct"));
                    if (o.Rate > ours.Rate) ours = o;
                    if (b.Rate > baseline.Rate) baseline = b;
                    if (d.Rate > straight.Rate) straight = d;
                }
                shmBest[clients] = ours.Rate;
                rows.Add(new BenchRow($"akka.pingpong.c{clients}", ours.Rate, RateUnit, tcpBaseline, baseline.Rate));
                directRows.Add(new BenchRow($"akka.direct.pingpong.c{clients}", straight.Rate, RateUnit, tcpBaseline, baseline.Rate));
                directRows.Add(new BenchRow($"akka.direct.pingpong.c{clients}.vs_shm", straight.Rate, RateUnit, "Akka.Remote over akka.remote.shm (same run)", ours.Rate));
            }

            rows.AddRange(MeasureAsks(context, shm, tcp, tcpBaseline, asks, askWarmUp, askRepetitions));
            rows.AddRange(directRows);
            rows.AddRange(MeasureAsks(context, direct, tcp, tcpBaseline, asks, askWarmUp, askRepetitions, "akka.direct"));
            rows.AddRange(MeasureCeiling(context, context.SegmentPrefix + "akka-mem", shmBest, roundTrips, repetitions, warmUp, serializer));

            var shmKills = new List<TimeSpan>();
            var tcpKills = new List<TimeSpan>();
            for (int k = 0; k < kills; k++)
            {
                // The first kill ends the children the rows above used; later ones start a child of their own (its
                // own node name, since Akka has gated and quarantined the dead one's address).
                EchoPeer shmVictim = k == 0 ? shm : Track(peers, EchoPeer.Start(context, shmSystem, "shm", $"victim-{k}"));
                shmKills.Add(KillToTerminated.Measure(shmVictim));
                context.Log(string.Create(CultureInfo.InvariantCulture, $"  kill -9 to Terminated, shm: {shmKills[^1].TotalMilliseconds:F1} ms"));
                EchoPeer tcpVictim = k == 0 ? tcp : Track(peers, EchoPeer.Start(context, tcpSystem, "tcp", $"victim-{k}"));
                tcpKills.Add(KillToTerminated.Measure(tcpVictim));
                context.Log(string.Create(CultureInfo.InvariantCulture, $"  kill -9 to Terminated, tcp: {tcpKills[^1].TotalMilliseconds:F1} ms"));
            }
            rows.Add(new BenchRow("akka.deathwatch.kill_to_terminated_ms", shmKills.Average(t => t.TotalMilliseconds), "ms",
                $"Akka.Remote over DotNetty TCP, Akka's default watch detector (mean of {kills} kill{(kills == 1 ? "" : "s")} each)",
                tcpKills.Average(t => t.TotalMilliseconds), HigherIsBetter: false));
            // Pending asks at a kill: on the direct path they fail at the pidfd's report; over TCP at their timeout.
            TimeSpan askTimeout = TimeSpan.FromSeconds(context.Quick ? 2 : 5);
            TimeSpan directFailed = KillToAskFailure.Measure(Track(peers, EchoPeer.Start(context, directSystem, "direct", "ask-victim")), askTimeout);
            TimeSpan tcpFailed = KillToAskFailure.Measure(Track(peers, EchoPeer.Start(context, tcpSystem, "tcp", "ask-victim")), askTimeout);
            context.Log(string.Create(CultureInfo.InvariantCulture,
                $"  kill -9 to the failure of {KillToAskFailure.Asks} pending asks: direct {directFailed.TotalMilliseconds:F1} ms, tcp {tcpFailed.TotalMilliseconds:F1} ms (ask timeout {askTimeout.TotalSeconds:F0} s)"));
            rows.Add(new BenchRow("akka.direct.ask.kill_to_failure_ms", directFailed.TotalMilliseconds, "ms",
                $"Akka.Remote over DotNetty TCP: {KillToAskFailure.Asks} pending asks end at their timeout ({askTimeout.TotalSeconds:F0} s here)",
                tcpFailed.TotalMilliseconds, HigherIsBetter: false));
            context.Log(string.Create(CultureInfo.InvariantCulture,
                $"  deathwatch: shm uses ShmRemotingOptions' default detector ({nameof(Shm.Transport.Remote.ProcessLivenessFailureDetector)}); the watch ran {KillToTerminated.WatchBeforeKill.TotalSeconds:F0} s before each kill"));
            context.Log("  reference (AKKA-SPI.md): TCP N=1 54-57K msgs/s, N=10 201-219K, ask p50 ~300 us; kill to Terminated 12.7-13.8 s");
        }
        finally
        {
            foreach (EchoPeer peer in peers)
                peer.Dispose();
            Task.WaitAll([.. new[] { shmSystem, tcpSystem, directSystem }.OfType<ActorSystem>().Select(s => s.Terminate())], s_terminate);
            foreach (string file in Directory.GetFiles(SegmentDirectory, shmName + ".*").Concat(Directory.GetFiles(SegmentDirectory, directName + ".*")))
                File.Delete(file);
        }
        return rows;
    }

    public bool Handles(string role) => role == EchoServer.Role;

    public int RunChild(string role, string[] args) => EchoServer.Run(args);

    private static EchoPeer Track(List<EchoPeer> peers, EchoPeer peer)
    {
        peers.Add(peer);
        return peer;
    }

    /// <summary>The serializer both transports' systems pick for the payload (they must agree: the rows compare transports only).</summary>
    private static string SerializerOfPayload(ActorSystem shm, ActorSystem tcp)
    {
        string ours = shm.Serialization.FindSerializerFor(PingPongRounds.Payload).GetType().Name;
        string theirs = tcp.Serialization.FindSerializerFor(PingPongRounds.Payload).GetType().Name;
        if (ours != theirs)
            throw new InvalidOperationException($"The shm system serializes strings with {ours}, the TCP one with {theirs}.");
        return ours;
    }

    private static IEnumerable<BenchRow> MeasureAsks(BenchContext context, EchoPeer shm, EchoPeer tcp, string baseline, int asks, int warmUp, int repetitions, string prefix = "akka")
    {
        AskRtt.Measure(shm.Echoes[0], warmUp, shm.ThrowIfExited);
        AskRtt.Measure(tcp.Echoes[0], warmUp, tcp.ThrowIfExited);
        (double P50, double P99) ours = (double.MaxValue, double.MaxValue), theirs = (double.MaxValue, double.MaxValue);
        for (int r = 0; r < repetitions; r++)
        {
            (double P50, double P99) o = AskRtt.Measure(shm.Echoes[0], asks, shm.ThrowIfExited);
            (double P50, double P99) b = AskRtt.Measure(tcp.Echoes[0], asks, tcp.ThrowIfExited);
            context.Log(string.Create(CultureInfo.InvariantCulture, $"  ask, sequential ({asks:N0} after {warmUp:N0}): {shm.Transport} p50 {o.P50:0.0} us, p99 {o.P99:0.0} us; tcp p50 {b.P50:0.0} us, p99 {b.P99:0.0} us"));
            if (o.P50 < ours.P50) ours = o;
            if (b.P50 < theirs.P50) theirs = b;
        }
        string text = repetitions == 1 ? baseline : baseline + $", best p50 of {repetitions}";
        return
        [
            new BenchRow($"{prefix}.ask.rtt_p50_us", ours.P50, "us", text, theirs.P50, HigherIsBetter: false),
            new BenchRow($"{prefix}.ask.rtt_p99_us", ours.P99, "us", text, theirs.P99, HigherIsBetter: false),
        ];
    }

    /// <summary>The same ping-pong between two systems of this process over TestTransport; ours is the best shm rate measured above.</summary>
    private static IEnumerable<BenchRow> MeasureCeiling(BenchContext context, string systemName, Dictionary<int, double> shmBest, long roundTrips, int repetitions, TimeSpan warmUp, string serializer)
    {
        using InMemoryPair pair = InMemoryPair.Start(systemName);
        PingPongRounds.WarmUp(pair.Clients, pair.Echoes, warmUp, InMemoryPair.Check);
        var rows = new List<BenchRow>();
        foreach (int clients in s_clientCounts)
        {
            PingPongRounds.Measured best = default;
            for (int r = 0; r < repetitions; r++)
            {
                PingPongRounds.Measured m = PingPongRounds.Round(pair.Clients, pair.Echoes, clients, roundTrips, InMemoryPair.Check);
                context.Log(m.Line("in-memory"));
                if (m.Rate > best.Rate) best = m;
            }
            rows.Add(new BenchRow($"akka.pingpong.c{clients}.ceiling", shmBest[clients], RateUnit,
                $"2 systems in 1 process over Akka's in-memory TestTransport (string msgs, {serializer})", best.Rate));
        }
        context.Log("  ceiling rows: ours is the best shm rate above; a ratio over 1 means shm outran TestTransport (see InMemoryPair)");
        return rows;
    }
}
