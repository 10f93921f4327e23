using System.Diagnostics;
using System.Threading.Channels;
using Shm.Actors;

namespace Shm.Bench.Actors;

/// <summary>Ping-pong throughput: pairs of actors (or of tasks over channels) bouncing messages.</summary>
internal static class PingPong
{
    /// <summary>Messages each pair keeps bouncing at once (as in Akka.NET's PingPong benchmark).</summary>
    public const int InFlight = 1000;

    private static readonly object s_message = new();

    /// <summary>Returns messages per second, counting each delivery in either direction.</summary>
    public static double MeasureActors(int pairs, long roundTripsPerPair)
    {
        // Default settings: the dispatcher runs 30 messages per turn, as Akka.NET's default dispatcher does.
        using ActorSystem system = ActorSystem.Create("pingpong");
        var done = new CountdownEvent(pairs);
        var clients = new List<IActorRef>(pairs);
        for (int p = 0; p < pairs; p++)
        {
            IActorRef echo = system.ActorOf(Props.Create<Echo>());
            clients.Add(system.ActorOf(Props.Create(() => new Client(echo, roundTripsPerPair, done))));
        }
        long start = Stopwatch.GetTimestamp();
        foreach (IActorRef client in clients) client.Tell(Client.Start, ActorRefs.NoSender);
        done.Wait();
        return ActorsSuite.ElapsedRate(2 * roundTripsPerPair * pairs, start);
    }

    /// <summary>The same exchange between two tasks per pair over unbounded single-reader channels.</summary>
    public static double MeasureChannels(int pairs, long roundTripsPerPair)
    {
        var tasks = new List<Task>(2 * pairs);
        long start = Stopwatch.GetTimestamp();
        for (int p = 0; p < pairs; p++)
        {
            var toEcho = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
            var toClient = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
            tasks.Add(Task.Run(async () =>
            {
                while (await toEcho.Reader.WaitToReadAsync().ConfigureAwait(false))
                {
                    while (toEcho.Reader.TryRead(out object? m)) toClient.Writer.TryWrite(m);
                }
            }));
            tasks.Add(Task.Run(async () =>
            {
                long sent = 0, received = 0;
                for (; sent < Math.Min(InFlight, roundTripsPerPair); sent++) toEcho.Writer.TryWrite(s_message);
                while (received < roundTripsPerPair && await toClient.Reader.WaitToReadAsync().ConfigureAwait(false))
                {
                    while (toClient.Reader.TryRead(out object? m))
                    {
                        received++;
                        if (sent < roundTripsPerPair)
                        {
                            toEcho.Writer.TryWrite(m);
                            sent++;
                        }
                    }
                }
                toEcho.Writer.Complete();
            }));
        }
        Task.WaitAll(tasks);
        return ActorsSuite.ElapsedRate(2 * roundTripsPerPair * pairs, start);
    }

    private sealed class Echo : ActorBase
    {
        protected override bool Receive(object message)
        {
            Sender.Tell(message, Self);
            return true;
        }
    }

    private sealed class Client(IActorRef echo, long roundTrips, CountdownEvent done) : ActorBase
    {
        public static readonly object Start = new();

        private long _sent;
        private long _received;

        protected override bool Receive(object message)
        {
            if (ReferenceEquals(message, Start))
            {
                for (; _sent < Math.Min(InFlight, roundTrips); _sent++) echo.Tell(s_message, Self);
                return true;
            }
            if (++_received == roundTrips) done.Signal();
            else if (_sent < roundTrips)
            {
                echo.Tell(message, Self);
                _sent++;
            }
            return true;
        }
    }
}
