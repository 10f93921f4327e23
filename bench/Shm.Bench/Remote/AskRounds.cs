using System.Diagnostics;
using System.Globalization;
using Shm.Actors;
using Shm.Bench.Harness;

namespace Shm.Bench.Remote;

/// <summary>
/// The ask rows of the remote suite: sequential asks for round-trip percentiles and 8 concurrent askers for a rate.
/// Ours is <c>Ask</c> on a remote ref (response slots of the server node's ask channel); the baseline is an ask over the
/// Unix-socket link done the classic way: a local actor sends the request with itself as the sender and completes the
/// asker's task when the reply arrives through the link (Akka's temporary-actor ask with its second inbox hop).
/// </summary>
internal static class AskRounds
{
    private const string Baseline = "ask over 1 Unix socket (actor relay, 1 reader thread per side)";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    /// <summary>How an asker sends one ask and gets its reply.</summary>
    public delegate Task<object> Asker(int askerIndex, object message);

    public static IEnumerable<BenchRow> Run(BenchContext context, ActorSystem shmSystem, Func<int, IActorRef> shmEcho, ActorSystem udsSystem, Func<int, IActorRef> udsEcho)
    {
        int sequential = (int)context.Size(50_000, 5_000);
        long concurrent = context.Size(400_000, 40_000);
        int repetitions = context.Quick ? 3 : 5;
        Asker ours = (i, message) => shmEcho(i).Ask(message, s_timeout);
        var relays = Enumerable.Range(0, 8).Select(i => udsSystem.ActorOf(Props.Create(typeof(Relay), udsEcho(i)))).ToArray();
        Asker baseline = (i, message) =>
        {
            var reply = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
            relays[i].Tell(new Relay.Request(message, reply), ActorRefs.NoSender);
            return reply.Task;
        };
        try
        {
            Sequential(ours, sequential / 5);
            Sequential(baseline, sequential / 5);
            (double P50, double P99) shmLatency = (double.MaxValue, double.MaxValue), udsLatency = (double.MaxValue, double.MaxValue);
            double shmRate = 0, udsRate = 0;
            for (int r = 0; r < repetitions; r++)
            {
                var o = Sequential(ours, sequential);
                var b = Sequential(baseline, sequential);
                if (o.P50 < shmLatency.P50) shmLatency = o;
                if (b.P50 < udsLatency.P50) udsLatency = b;
                shmRate = Math.Max(shmRate, Concurrent(ours, 8, concurrent));
                udsRate = Math.Max(udsRate, Concurrent(baseline, 8, concurrent));
            }
            context.Log(string.Create(CultureInfo.InvariantCulture, $"  ask, sequential ({sequential:N0}, best of {repetitions}): shm p50 {shmLatency.P50:0.00} us, p99 {shmLatency.P99:0.00} us; uds p50 {udsLatency.P50:0.00} us, p99 {udsLatency.P99:0.00} us"));
            context.Log(string.Create(CultureInfo.InvariantCulture, $"  ask, 8 concurrent askers ({concurrent:N0}): shm {shmRate:N0} asks/s; uds {udsRate:N0} asks/s"));
            context.Log(string.Create(CultureInfo.InvariantCulture,
                $"  targets (issue): p50 <= 3 us: {shmLatency.P50:0.00} ({(shmLatency.P50 <= 3 ? "met" : "not met")}); p99 <= 30 us: {shmLatency.P99:0.00} ({(shmLatency.P99 <= 30 ? "met" : "not met")}); c8 >= 500K/s: {shmRate:N0} ({(shmRate >= 500_000 ? "met" : "not met")})"));
            context.Log("  reference: Akka.NET over TCP, 250-300 us p50 and 3-5 ms p99");
            return
            [
                new BenchRow("remote.ask.rtt_p50_us", shmLatency.P50, "us", Baseline, udsLatency.P50, HigherIsBetter: false),
                new BenchRow("remote.ask.rtt_p99_us", shmLatency.P99, "us", Baseline, udsLatency.P99, HigherIsBetter: false),
                new BenchRow("remote.ask.c8", shmRate, "asks/s", Baseline, udsRate),
            ];
        }
        finally
        {
            foreach (IActorRef relay in relays)
                udsSystem.Stop(relay);
        }
    }

    /// <summary>One asker, one ask at a time: the round-trip percentiles.</summary>
    private static (double P50, double P99) Sequential(Asker ask, int count)
    {
        var samples = new long[count];
        for (int i = 0; i < count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            object reply = ask(0, "hit").GetAwaiter().GetResult();
            samples[i] = Stopwatch.GetTimestamp() - start;
            if (reply is not "hit")
                throw new InvalidOperationException($"An ask was answered with {reply}.");
        }
        return Latency.Percentiles(samples);
    }

    /// <summary><paramref name="askers"/> async loops, each one ask at a time, <paramref name="total"/> asks in all: asks per second.</summary>
    private static double Concurrent(Asker ask, int askers, long total)
    {
        long each = total / askers;
        long start = Stopwatch.GetTimestamp();
        Task[] loops = [.. Enumerable.Range(0, askers).Select(i => Task.Run(async () =>
        {
            for (long k = 0; k < each; k++)
            {
                if (await ask(i, "hit").ConfigureAwait(false) is not "hit")
                    throw new InvalidOperationException("An ask was answered with something else.");
            }
        }))];
        if (!Task.WaitAll(loops, TimeSpan.FromMinutes(2)))
            throw new TimeoutException("The concurrent asks did not finish in 2 minutes.");
        return each * askers / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>The baseline's ask: sends each request to its echo with itself as the sender, one at a time, and completes the request's task with the reply.</summary>
    private sealed class Relay(IActorRef echo) : ActorBase
    {
        private TaskCompletionSource<object>? _pending;

        public sealed record Request(object Message, TaskCompletionSource<object> Reply);

        protected override bool Receive(object message)
        {
            if (message is Request request)
            {
                _pending = request.Reply;
                echo.Tell(request.Message, Self);
            }
            else
            {
                _pending?.TrySetResult(message);
                _pending = null;
            }
            return true;
        }
    }
}
