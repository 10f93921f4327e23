using System.Diagnostics;
using System.Threading.Channels;
using Shm.Actors;
using Shm.Bench.Harness;

namespace Shm.Bench.Actors;

/// <summary>Sequential Ask round trips from a plain caller to an echo actor, and the channel request/response equivalent.</summary>
internal static class AskLatency
{
    private static readonly object s_request = new();

    /// <summary>Returns (p50, p99) in microseconds.</summary>
    public static (double P50, double P99) MeasureActors(int count)
    {
        using ActorSystem system = ActorSystem.Create("ask");
        IActorRef echo = system.ActorOf(Props.Create<Echo>());
        return Task.Run(async () =>
        {
            var samples = new long[count];
            for (int i = 0; i < count; i++)
            {
                long start = Stopwatch.GetTimestamp();
                await echo.Ask<object>(s_request).ConfigureAwait(false);
                samples[i] = Stopwatch.GetTimestamp() - start;
            }
            return Latency.Percentiles(samples);
        }).GetAwaiter().GetResult();
    }

    /// <summary>A server task answers each request on a response channel; the caller awaits each answer before the next request.</summary>
    public static (double P50, double P99) MeasureChannels(int count)
    {
        var requests = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var responses = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        Task server = Task.Run(async () =>
        {
            await foreach (object r in requests.Reader.ReadAllAsync().ConfigureAwait(false)) responses.Writer.TryWrite(r);
        });
        (double, double) result = Task.Run(async () =>
        {
            var samples = new long[count];
            for (int i = 0; i < count; i++)
            {
                long start = Stopwatch.GetTimestamp();
                requests.Writer.TryWrite(s_request);
                await responses.Reader.ReadAsync().ConfigureAwait(false);
                samples[i] = Stopwatch.GetTimestamp() - start;
            }
            return Latency.Percentiles(samples);
        }).GetAwaiter().GetResult();
        requests.Writer.Complete();
        server.GetAwaiter().GetResult();
        return result;
    }

    private sealed class Echo : ActorBase
    {
        protected override bool Receive(object message)
        {
            Sender.Tell(message, Self);
            return true;
        }
    }
}
