using System.Diagnostics;
using Akka.Actor;
using Shm.Bench.Harness;

namespace Shm.Bench.AkkaRemote;

/// <summary>Sequential Ask to a remote echo actor, one outstanding: Akka's temporary-actor ask, its reply through the transport.</summary>
internal static class AskRtt
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    /// <summary><paramref name="count"/> asks one after another; their round-trip p50 and p99 in microseconds.</summary>
    public static (double P50, double P99) Measure(IActorRef echo, int count, Action check)
    {
        var samples = new long[count];
        for (int i = 0; i < count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            Task<object> ask = echo.Ask(PingPongRounds.Payload, s_timeout);
            if (!ask.Wait(s_timeout))
            {
                check();
                throw new TimeoutException($"Ask {i} to {echo.Path} got no reply in {s_timeout.TotalSeconds} s.");
            }
            samples[i] = Stopwatch.GetTimestamp() - start;
            if (ask.Result is not PingPongRounds.Payload)
                throw new InvalidOperationException($"An ask was answered with {ask.Result}.");
        }
        return Latency.Percentiles(samples);
    }
}
