using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Shm.Actors;
using Shm.Bench.Harness;
using Shm.Transport;

namespace Shm.Bench.Remote;

/// <summary>
/// Akka.NET's RemotePingPong across two processes: this process is node "client" of an actor system, a child process is
/// node "server". For C = 1, 5, 10, 30, C client actors here each keep <see cref="InFlight"/> "hit" strings bouncing off
/// their own echo actor on the server until the round's messages are done; every message is counted each way, as
/// RemotePingPong counts them. Ours is the shm transport (Shm.Transport); the baseline is the same actors and the same
/// serialized envelopes over one Unix domain socket (<see cref="SocketLink"/>). Both pairs of processes stay up for the
/// whole suite and the rounds alternate between them, so background load hits both alike.
/// </summary>
public sealed class RemoteSuite : IBenchSuite, IBenchChildRoles
{
    /// <summary>Messages each client keeps in flight (RemotePingPong primes each client with 50).</summary>
    public const int InFlight = 50;

    private const string Payload = "hit";
    private const string ClientNode = "client";
    private const string ServerNode = "server";
    private const string SegmentDirectory = "/dev/shm"; // where both nodes' segments go; leftovers are removed at the end
    private const int MaxClients = 30;
    private const string Unit = "msgs/s (both ways)";
    private const string Baseline = "same actors and envelopes over 1 Unix socket, 1 reader thread per side";
    private static readonly int[] s_clientCounts = [1, 5, 10, 30];
    private static readonly TimeSpan s_ready = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_round = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_childExit = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan s_serverLifetime = TimeSpan.FromMinutes(10); // a server orphaned by a failed run exits

    public string Name => "remote";

    public IEnumerable<BenchRow> Run(BenchContext context)
    {
        long total = context.Size(200_000, 20_000);
        int repetitions = context.Quick ? 3 : 5;
        TimeSpan warmUp = TimeSpan.FromSeconds(context.Quick ? 1.5 : 2);
        string shmSystem = context.SegmentPrefix + "remote";
        var rows = new List<BenchRow>();
        Node? shm = null, socket = null;
        try
        {
            shm = Node.StartShm(context, shmSystem);
            socket = Node.StartSocket(context, context.SegmentPrefix + "remote-uds");
            // Time-based warm-up of both processes of both pairs: tiered compilation promotes hot code after a delay.
            shm.WarmUp(warmUp);
            socket.WarmUp(warmUp);

            context.Log(string.Create(CultureInfo.InvariantCulture, $"  {total:N0} messages per client count (both ways), {InFlight} in flight per client, best of {repetitions}"));
            context.Log("  transport  clients  total [msg]      msgs/s  total [ms]");
            var best = new Dictionary<int, (Measured Shm, Measured Socket)>();
            foreach (int clients in s_clientCounts)
            {
                Measured ours = default, baseline = default;
                for (int r = 0; r < repetitions; r++)
                {
                    Measured o = shm.Round(clients, total);
                    Measured b = socket.Round(clients, total);
                    if (o.Rate > ours.Rate) ours = o;
                    if (b.Rate > baseline.Rate) baseline = b;
                }
                context.Log(ours.Line("shm"));
                context.Log(baseline.Line("uds"));
                best[clients] = (ours, baseline);
                rows.Add(new BenchRow($"remote.pingpong.c{clients}", ours.Rate, Unit, Baseline, baseline.Rate));
            }
            rows.AddRange(AskRounds.Run(context, shm.System, shm.Echo, socket.System, socket.Echo));
            rows.Add(PubSubFanout.Measure(context));
            context.Log($"  client shm: {ShmStats(shm.System)}");
            context.Log($"  server shm: {shm.Stop()}");
            context.Log($"  server uds: {socket.Stop()}");
            context.Log(string.Create(CultureInfo.InvariantCulture,
                $"  targets (issue): c1 >= 1M msgs/s: {best[1].Shm.Rate:N0} ({Verdict(best[1].Shm.Rate, 1e6)}); c10 >= 3M msgs/s: {best[10].Shm.Rate:N0} ({Verdict(best[10].Shm.Rate, 3e6)})"));
            context.Log("  reference: Akka.NET 1.5 over TCP, 37-53K msgs/s with 1 client, 110-190K with 5-30");
        }
        finally
        {
            shm?.Dispose();
            socket?.Dispose();
            foreach (string file in Directory.GetFiles(SegmentDirectory, shmSystem + ".*"))
                File.Delete(file);
        }
        return rows;
    }

    private static string Verdict(double value, double target) => value >= target ? "met" : "not met";

    /// <summary>One round: its client count, the messages counted (both ways) and the time from the first send to the last reply.</summary>
    private readonly record struct Measured(int Clients, long Messages, TimeSpan Elapsed)
    {
        public double Rate => Messages == 0 ? 0 : Messages / Elapsed.TotalSeconds;

        public string Line(string transport) => string.Create(CultureInfo.InvariantCulture,
            $"  {transport,-9}  {Clients,7}  {Messages,11}  {Rate,10:N0}  {Elapsed.TotalMilliseconds,10:F2}");
    }

    /// <summary>The client side of one pair of processes: this process's node system, the server child and the echo refs.</summary>
    private sealed class Node : IDisposable
    {
        private readonly string _transport;
        private readonly Process _child;
        private readonly SocketLink? _link;
        private readonly string? _socketPath;
        private readonly IActorRef[] _echoes;
        private readonly IActorRef _control;
        private bool _stopped;

        private Node(string transport, ActorSystem system, Process child, SocketLink? link, string? socketPath, Func<string, IActorRef> resolve)
        {
            _transport = transport;
            System = system;
            _child = child;
            _link = link;
            _socketPath = socketPath;
            string server = $"shm://{system.Name}@{ServerNode}/user/";
            _echoes = [.. Enumerable.Range(0, MaxClients).Select(i => resolve(server + "echo-" + i))];
            _control = resolve(server + "control");
        }

        public ActorSystem System { get; }

        /// <summary>The server's echo actor number <paramref name="index"/>.</summary>
        public IActorRef Echo(int index) => _echoes[index];

        /// <summary>Node "client" with the shm transport; the child joins as "server".</summary>
        public static Node StartShm(BenchContext context, string systemName)
        {
            ActorSystem system = ActorSystem.Create(systemName, ActorSystemSettings.Default.WithShmTransport(new ShmTransportOptions { NodeName = ClientNode, SegmentDirectory = SegmentDirectory }) with
            {
                RunCoordinatedShutdownOnProcessExit = false,
            });
            Process? child = null;
            try
            {
                child = ChildProcess.Start("remote-server", systemName, "shm");
                ExpectReady(child);
                var node = new Node("shm", system, child, null, null, system.Provider.ResolveActorRef);
                node.AwaitEchoes(context);
                return node;
            }
            catch
            {
                End(child);
                system.Terminate().Wait(s_childExit);
                throw;
            }
        }

        /// <summary>Node "client" without a transport; the child ("server") connects to a Unix socket this node listens on.</summary>
        public static Node StartSocket(BenchContext context, string systemName)
        {
            ActorSystem system = ActorSystem.Create(systemName, ActorSystemSettings.Default with
            {
                Node = ClientNode,
                RunCoordinatedShutdownOnProcessExit = false,
            });
            string path = Path.Combine(Path.GetTempPath(), systemName + ".sock");
            Process? child = null;
            SocketLink? link = null;
            try
            {
                File.Delete(path);
                using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                listener.Bind(new UnixDomainSocketEndPoint(path));
                listener.Listen(1);
                child = ChildProcess.Start("remote-server", systemName, "uds", path);
                Task<Socket> accept = listener.AcceptAsync();
                if (!accept.Wait(s_ready))
                    throw new TimeoutException("The remote-server child did not connect.");
                link = new SocketLink(system, accept.Result);
                ExpectReady(child);
                var node = new Node("uds", system, child, link, path, link.RemoteRef);
                node.AwaitEchoes(context);
                return node;
            }
            catch
            {
                link?.Dispose();
                End(child);
                system.Terminate().Wait(s_childExit);
                File.Delete(path);
                throw;
            }
        }

        /// <summary>
        /// Probes every echo actor until each has answered: the two nodes see each other asynchronously (a reply sent
        /// before the server has seen this node is a dead letter), so a probe is repeated until its answer arrives.
        /// </summary>
        private void AwaitEchoes(BenchContext context)
        {
            var answered = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
            IActorRef prober = System.ActorOf(Props.Create(() => new Prober(answered)));
            long start = Stopwatch.GetTimestamp();
            try
            {
                while (answered.Count < _echoes.Length)
                {
                    if (Stopwatch.GetElapsedTime(start) > s_ready)
                        throw new TimeoutException($"Only {answered.Count} of {_echoes.Length} echo actors answered over {_transport}.");
                    if (_child.HasExited)
                        throw new InvalidOperationException($"The {_transport} remote-server child exited with code {_child.ExitCode}.");
                    foreach (IActorRef echo in _echoes)
                    {
                        if (!answered.ContainsKey(echo.Path.Name))
                            echo.Tell("probe", prober);
                    }
                    Thread.Sleep(50);
                }
            }
            finally
            {
                System.Stop(prober);
            }
            context.Log(string.Create(CultureInfo.InvariantCulture, $"  {_transport}: {_echoes.Length} echo actors answered after {Stopwatch.GetElapsedTime(start).TotalMilliseconds:F0} ms"));
        }

        /// <summary>Rounds of 10 clients until <paramref name="duration"/> has passed.</summary>
        public void WarmUp(TimeSpan duration)
        {
            long start = Stopwatch.GetTimestamp();
            do Round(10, 20_000);
            while (Stopwatch.GetElapsedTime(start) < duration);
        }

        /// <summary>C client actors, each with its own echo actor, exchange about <paramref name="totalMessages"/> messages (both ways).</summary>
        public Measured Round(int clients, long totalMessages)
        {
            long roundTrips = Math.Max(1, totalMessages / 2 / clients); // per client
            using var done = new CountdownEvent(clients);
            var actors = new IActorRef[clients];
            for (int i = 0; i < clients; i++) // by reflection: a compiled factory expression per round would keep the JIT busy
                actors[i] = System.ActorOf(Props.Create(typeof(Client), _echoes[i], roundTrips, done));
            long start = Stopwatch.GetTimestamp();
            foreach (IActorRef client in actors)
                client.Tell(Client.Start, ActorRefs.NoSender);
            while (!done.Wait(100))
            {
                if (_child.HasExited)
                    throw new InvalidOperationException($"The {_transport} remote-server child exited with code {_child.ExitCode} during a round.");
                if (Stopwatch.GetElapsedTime(start) > s_round)
                    throw new TimeoutException($"A {_transport} round with {clients} clients did not finish in {s_round.TotalSeconds} s ({done.CurrentCount} clients unfinished; messages lost?).");
            }
            TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
            foreach (IActorRef client in actors)
                System.Stop(client);
            return new Measured(clients, 2 * roundTrips * clients, elapsed);
        }

        /// <summary>Asks the server to stop and returns the line it printed on its way out.</summary>
        public string Stop()
        {
            _stopped = true;
            _control.Tell("stop", ActorRefs.NoSender);
            return ChildProcess.ReadResult(_child, s_childExit);
        }

        public void Dispose()
        {
            if (!_stopped && !_child.HasExited)
                _control.Tell("stop", ActorRefs.NoSender);
            if (!_child.WaitForExit(TimeSpan.FromSeconds(10)))
                _child.Kill();
            _child.Dispose();
            _link?.Dispose();
            System.Terminate().Wait(s_childExit);
            if (_socketPath is not null)
                File.Delete(_socketPath);
        }
    }

    private static void ExpectReady(Process child)
    {
        if (child.StandardOutput.ReadLine() != "ready")
            throw new InvalidOperationException("A remote-server child failed to start.");
    }

    private static void End(Process? child)
    {
        if (child is null)
            return;
        if (!child.HasExited)
            child.Kill();
        child.Dispose();
    }

    public bool Handles(string role) => role == "remote-server" || PubSubFanout.Handles(role);

    public int RunChild(string role, string[] args) =>
        PubSubFanout.Handles(role) ? PubSubFanout.RunChild(role, args) : RunServer(args[0], args[1], args.Length > 2 ? args[2] : null);

    /// <summary>
    /// Node "server": echo actors echo-0..echo-29 and a control actor; prints "ready", serves until told to stop (or until
    /// the client node goes down, or its connection closes), then terminates its system and prints its counters.
    /// </summary>
    private static int RunServer(string systemName, string transport, string? socketPath)
    {
        bool shm = transport == "shm";
        ActorSystemSettings settings = shm
            ? ActorSystemSettings.Default.WithShmTransport(new ShmTransportOptions { NodeName = ServerNode, SegmentDirectory = SegmentDirectory })
            : ActorSystemSettings.Default with { Node = ServerNode };
        ActorSystem system = ActorSystem.Create(systemName, settings with { RunCoordinatedShutdownOnProcessExit = false });
        using var stop = new ManualResetEventSlim();
        for (int i = 0; i < MaxClients; i++)
            system.ActorOf(Props.Create(() => new Echo()), "echo-" + i);
        IActorRef control = system.ActorOf(Props.Create(() => new Control(stop)), "control");
        system.EventStream.Subscribe<MemberDown>(control);
        SocketLink? link = null;
        if (!shm)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(socketPath!));
            link = new SocketLink(system, socket, closed: stop.Set);
        }
        Console.WriteLine("ready");
        bool stopped = stop.Wait(s_serverLifetime);
        string stats = link?.Stats() ?? ShmStats(system);
        system.Terminate().Wait(s_childExit);
        link?.Dispose();
        Console.WriteLine(stopped ? $"stopped; {stats}" : $"gave up waiting; {stats}");
        return 0;
    }

    private static string ShmStats(ActorSystem system)
    {
        ShmTransportStats stats = ShmTransport.StatsOf(system);
        return $"dead letters {stats.DeadLetters}, corrupt envelopes {stats.CorruptEnvelopes}, undeserializable {stats.UndeserializableMessages}";
    }

    /// <summary>Answers every message to its sender (RemotePingPong's EchoActor).</summary>
    private sealed class Echo : ActorBase
    {
        protected override bool Receive(object message)
        {
            Sender.Tell(message, Self);
            return true;
        }
    }

    /// <summary>Stops the server on "stop" or when the client node goes down.</summary>
    private sealed class Control(ManualResetEventSlim stop) : ActorBase
    {
        protected override bool Receive(object message)
        {
            if (message is "stop" || message is MemberDown { Address.Host: ClientNode })
                stop.Set();
            return true;
        }
    }

    /// <summary>Notes which echo actors answered a probe.</summary>
    private sealed class Prober(System.Collections.Concurrent.ConcurrentDictionary<string, bool> answered) : ActorBase
    {
        protected override bool Receive(object message)
        {
            answered[Sender.Path.Name] = true;
            return true;
        }
    }

    /// <summary>
    /// RemotePingPong's BenchmarkActor with an explicit window: sends <see cref="InFlight"/> messages, then one more per
    /// reply until it has sent <c>roundTrips</c>, and signals once every reply is in.
    /// </summary>
    private sealed class Client(IActorRef echo, long roundTrips, CountdownEvent done) : ActorBase
    {
        public static readonly object Start = new();

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
