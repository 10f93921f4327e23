using System.Diagnostics;
using System.Globalization;
using Akka.Actor;

namespace Shm.Bench.AkkaRemote;

/// <summary>
/// Akka.Remote's RemotePingPong: C client actors in one system, each with its own echo actor in another, each keeping
/// <see cref="InFlight"/> messages bouncing until it has done its round trips. Every message is counted each way, as
/// RemotePingPong counts them; the time runs from the first send to the last reply.
/// </summary>
internal static class PingPongRounds
{
    /// <summary>Messages each client keeps in flight (RemotePingPong primes each client with 50).</summary>
    public const int InFlight = 50;

    /// <summary>The message: a string, which Akka.Remote serializes with its primitive serializer on every transport.</summary>
    public const string Payload = "hit";

    private static readonly TimeSpan s_round = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// One round: <paramref name="clients"/> clients in <paramref name="system"/>, client i with
    /// <paramref name="echoes"/>[i], <paramref name="roundTrips"/> round trips each. <paramref name="check"/> runs while
    /// waiting and throws when the other side is gone.
    /// </summary>
    public static Measured Round(ActorSystem system, IReadOnlyList<IActorRef> echoes, int clients, long roundTrips, Action check)
    {
        using var done = new CountdownEvent(clients);
        var actors = new IActorRef[clients];
        for (int i = 0; i < clients; i++)
            actors[i] = system.ActorOf(Props.Create(typeof(Client), echoes[i], roundTrips, done));
        try
        {
            long start = Stopwatch.GetTimestamp();
            foreach (IActorRef client in actors)
                client.Tell(Client.Start, ActorRefs.NoSender);
            while (!done.Wait(s_poll))
            {
                check();
                if (Stopwatch.GetElapsedTime(start) > s_round)
                    throw new TimeoutException($"A round with {clients} clients did not finish in {s_round.TotalSeconds} s ({done.CurrentCount} clients unfinished; messages lost?).");
            }
            return new Measured(clients, 2 * roundTrips * clients, Stopwatch.GetElapsedTime(start));
        }
        finally
        {
            foreach (IActorRef client in actors)
                system.Stop(client);
        }
    }

    /// <summary>Rounds of 10 clients until <paramref name="duration"/> has passed: tiered compilation promotes hot code after a delay.</summary>
    public static void WarmUp(ActorSystem system, IReadOnlyList<IActorRef> echoes, TimeSpan duration, Action check)
    {
        long start = Stopwatch.GetTimestamp();
        do
        {
            Round(system, echoes, 10, 2_000, check);
            Round(system, echoes, 1, 5_000, check);
        }
        while (Stopwatch.GetElapsedTime(start) < duration);
    }

    /// <summary>One round's client count, the messages counted (both ways) and the time from the first send to the last reply.</summary>
    public readonly record struct Measured(int Clients, long Messages, TimeSpan Elapsed)
    {
        public double Rate => Messages == 0 ? 0 : Messages / Elapsed.TotalSeconds;

        public string Line(string transport) => string.Create(CultureInfo.InvariantCulture,
            $"  {transport,-9}  {Clients,7}  {Messages,11}  {Rate,10:N0}  {Elapsed.TotalMilliseconds,10:F2}");
    }

    /// <summary>
    /// RemotePingPong's BenchmarkActor with an explicit window: sends <see cref="InFlight"/> messages, then one more per
    /// reply until it has sent <c>roundTrips</c>, and signals once every reply is in.
    /// </summary>
    internal sealed class Client(IActorRef echo, long roundTrips, CountdownEvent done) : ActorBase
    {
        /// <summary>Starts the client; sent locally only, so it is never serialized (not even with serialize-messages on).</summary>
        public static readonly object Start = new StartMessage();

        private sealed class StartMessage : INoSerializationVerificationNeeded;

        private long _sent;
        private long _received;

        protected override bool Receive(object message)
        {
            if (ReferenceEquals(message, Start))
            {
                for (; _sent < Math.Min(InFlight, roundTrips); _sent++)
                    echo.Tell(Payload, Self);
                return true;
            }
            if (++_received == roundTrips)
            {
                done.Signal();
            }
            else if (_sent < roundTrips)
            {
                echo.Tell(message, Self);
                _sent++;
            }
            return true;
        }
    }
}
