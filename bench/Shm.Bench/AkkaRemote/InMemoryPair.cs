using Akka.Actor;
using Akka.Remote.Transport;

namespace Shm.Bench.AkkaRemote;

/// <summary>
/// The "ceiling" of Akka.Remote's pipeline: two actor systems in this process over Akka.Remote's in-memory
/// <see cref="TestTransport"/>, which hands each PDU to the other system's reader in the writer's call: no ring, no
/// socket, no other process. Clients live in system <see cref="Clients"/>, the echo actors in the other.
/// </summary>
/// <remarks>
/// <para>It is Akka's own in-memory transport, not a strict upper bound: measured here it runs below akka.remote.shm
/// (across processes and between two systems of one process alike), since the writer's endpoint actor also does the
/// reader's hand-off, and each write takes a log entry, a registry lookup keyed by an address pair and a Task wait.</para>
/// <para>TestTransport logs every write it is asked for (an activity with the payload, kept until cleared). Left alone
/// that log grows by one entry per message, and collecting a live set of millions of entries would slow the figure
/// down further; a timer clears it every <see cref="s_clearLogEvery"/>, which keeps it to a few tens of thousands.</para>
/// </remarks>
internal sealed class InMemoryPair : IDisposable
{
    private const string ClientHost = "client";
    private const string ServerHost = "server";
    private const int ClientPort = 1;
    private const int ServerPort = 2;
    private static readonly TimeSpan s_clearLogEvery = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_identify = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_terminate = TimeSpan.FromSeconds(30);

    private readonly ActorSystem _server;
    private readonly AssociationRegistry _registry;
    private readonly Timer _clearLog;

    private InMemoryPair(ActorSystem clients, ActorSystem server, AssociationRegistry registry, Timer clearLog)
    {
        Clients = clients;
        _server = server;
        _registry = registry;
        _clearLog = clearLog;
    }

    /// <summary>The system of the clients.</summary>
    public ActorSystem Clients { get; }

    /// <summary>The echo actors of the other system, resolved in <see cref="Clients"/>.</summary>
    public IReadOnlyList<IActorRef> Echoes { get; private set; } = [];

    /// <summary>Starts both systems (actor-system name <paramref name="systemName"/>, on a registry of their own) and resolves the echoes.</summary>
    public static InMemoryPair Start(string systemName)
    {
        string registryKey = $"{systemName}-{Guid.NewGuid():N}";
        AssociationRegistry registry = AssociationRegistry.Get(registryKey);
        ActorSystem? clients = null, server = null;
        Timer? clearLog = null;
        try
        {
            server = ActorSystem.Create(systemName, AkkaHocon.InMemory(registryKey, systemName, ServerHost, ServerPort));
            for (int i = 0; i < EchoServer.Echoes; i++)
                server.ActorOf(Props.Create(typeof(EchoServer.Echo)), "echo-" + i);
            clients = ActorSystem.Create(systemName, AkkaHocon.InMemory(registryKey, systemName, ClientHost, ClientPort));
            clearLog = new Timer(_ => registry.ClearLog(), null, s_clearLogEvery, s_clearLogEvery);
            var pair = new InMemoryPair(clients, server, registry, clearLog);
            string serverAddress = $"akka.{AkkaHocon.TestScheme}://{systemName}@{ServerHost}:{ServerPort}";
            pair.Echoes = [.. Enumerable.Range(0, EchoServer.Echoes)
                .Select(i => clients.ActorSelection($"{serverAddress}/user/echo-{i}").ResolveOne(s_identify).GetAwaiter().GetResult())];
            return pair;
        }
        catch
        {
            clearLog?.Dispose();
            Terminate(clients, server);
            registry.Reset();
            throw;
        }
    }

    /// <summary>Nothing to check: both systems are in this process.</summary>
    public static void Check()
    {
    }

    public void Dispose()
    {
        _clearLog.Dispose();
        Terminate(Clients, _server);
        _registry.Reset(); // the registry itself stays in TestTransport's static table, empty
    }

    private static void Terminate(params ActorSystem?[] systems) =>
        Task.WaitAll([.. systems.OfType<ActorSystem>().Select(s => s.Terminate())], s_terminate);
}
