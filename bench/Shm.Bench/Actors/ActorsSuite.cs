using System.Diagnostics;
using Shm.Actors;
using Shm.Bench.Harness;

namespace Shm.Bench.Actors;

/// <summary>
/// In-process actor messaging: ping-pong throughput with 1 and 10 pairs and sequential Ask latency, each beside the same
/// exchange between tasks over System.Threading.Channels. The ping-pong shape is Akka.NET's PingPong benchmark: each
/// pair keeps <see cref="PingPong.InFlight"/> messages bouncing, and every delivery in either direction counts.
/// </summary>
public sealed class ActorsSuite : IBenchSuite
{
    public string Name => "actors";

    public IEnumerable<BenchRow> Run(BenchContext context)
    {
        long perPair1 = context.Size(20_000_000, 1_000_000);
        long perPair10 = context.Size(4_000_000, 200_000);
        int asks = (int)context.Size(200_000, 20_000);
        int repetitions = context.Quick ? 1 : 3;

        // Warm both sides up for a fixed time, not a fixed count: tiered compilation promotes hot methods to optimized,
        // PGO-instrumented code only after a delay, and a short count-based warm-up left quick runs measuring tier-0 code.
        WarmUp(TimeSpan.FromSeconds(context.Quick ? 1 : 2), () =>
        {
            PingPong.MeasureActors(1, 100_000);
            PingPong.MeasureActors(10, 20_000);
            PingPong.MeasureChannels(1, 100_000);
            PingPong.MeasureChannels(10, 20_000);
            AskLatency.MeasureActors(5_000);
            AskLatency.MeasureChannels(5_000);
        });

        double actors1 = Best(repetitions, () => PingPong.MeasureActors(1, perPair1));
        double channels1 = Best(repetitions, () => PingPong.MeasureChannels(1, perPair1));
        context.Log($"pingpong1: actors {actors1:N0} msgs/s, channels {channels1:N0} msgs/s");
        yield return new BenchRow("actors.inproc.pingpong1", actors1, "msgs/s", "Channels ping-pong, 2 tasks", channels1);

        double actors10 = Best(repetitions, () => PingPong.MeasureActors(10, perPair10));
        double channels10 = Best(repetitions, () => PingPong.MeasureChannels(10, perPair10));
        context.Log($"pingpong10: actors {actors10:N0} msgs/s, channels {channels10:N0} msgs/s");
        yield return new BenchRow("actors.inproc.pingpong10", actors10, "msgs/s", "Channels ping-pong, 20 tasks", channels10);

        (double p50, double p99) actorsAsk = BestLatency(repetitions, () => AskLatency.MeasureActors(asks));
        (double p50, double p99) channelsAsk = BestLatency(repetitions, () => AskLatency.MeasureChannels(asks));
        context.Log($"ask: actors p50 {actorsAsk.p50:0.00} us p99 {actorsAsk.p99:0.00} us; channels p50 {channelsAsk.p50:0.00} us p99 {channelsAsk.p99:0.00} us");
        yield return new BenchRow("actors.inproc.ask.rtt_p50_us", actorsAsk.p50, "us", "Channels request/response", channelsAsk.p50, HigherIsBetter: false);
        yield return new BenchRow("actors.inproc.ask.rtt_p99_us", actorsAsk.p99, "us", "Channels request/response", channelsAsk.p99, HigherIsBetter: false);
    }

    private static void WarmUp(TimeSpan duration, Action round)
    {
        long start = Stopwatch.GetTimestamp();
        do round();
        while (Stopwatch.GetElapsedTime(start) < duration);
    }

    private static double Best(int repetitions, Func<double> measure)
    {
        double best = 0;
        for (int i = 0; i < repetitions; i++) best = Math.Max(best, measure());
        return best;
    }

    // The repetition with the best median, reported with its own p99 (the two come from the same run).
    private static (double, double) BestLatency(int repetitions, Func<(double P50, double P99)> measure)
    {
        (double P50, double P99) best = (double.MaxValue, double.MaxValue);
        for (int i = 0; i < repetitions; i++)
        {
            (double P50, double P99) r = measure();
            if (r.P50 < best.P50) best = r;
        }
        return best;
    }

    internal static double ElapsedRate(long messages, long startTimestamp) =>
        messages / Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
}
