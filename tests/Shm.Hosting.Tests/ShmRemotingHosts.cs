using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shm.Transport.Remote;

namespace Shm.Hosting.Tests;

/// <summary>
/// Microsoft.Extensions hosts of one test, each running a node of one Akka actor system (a system name unique to the
/// test, so tests never meet) with an echo actor at /user/echo. Disposing stops them and removes every /dev/shm segment
/// the system left.
/// </summary>
internal sealed class ShmRemotingHosts : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly List<IHost> _hosts = [];
    private readonly HashSet<IHost> _started = [];

    public string SystemName { get; } = $"shmtest-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40];

    /// <summary>
    /// Builds and starts a host whose actor system <paramref name="configure"/> describes (the transport, at least);
    /// <paramref name="configureHost"/> may add to the host first (configuration, services).
    /// </summary>
    public async Task<IHost> StartAsync(Action<AkkaConfigurationBuilder, IConfiguration> configure, Action<HostApplicationBuilder>? configureHost = null)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = Timeout);
        configureHost?.Invoke(builder);
        builder.Services.AddAkka(SystemName, akka =>
        {
            akka.AddHocon("""
                akka.loglevel = WARNING
                akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
                """, HoconAddMode.Append);
            configure(akka, builder.Configuration);
            akka.WithActors((system, _) => system.ActorOf(Props.Create<EchoActor>(), "echo"));
        });
        IHost host = builder.Build();
        lock (_hosts)
            _hosts.Add(host);
        using var timeout = new CancellationTokenSource(Timeout);
        await host.StartAsync(timeout.Token);
        lock (_hosts)
            _started.Add(host);
        return host;
    }

    /// <summary>Node <paramref name="node"/>'s address: akka.shm://{system}@{node}:1.</summary>
    public string AddressOf(string node) => $"akka.shm://{SystemName}@{node}:{SharedMemoryTransport.Port}";

    /// <summary>Asks node <paramref name="node"/>'s echo actor, from <paramref name="host"/>'s system, through an ActorSelection.</summary>
    public Task<string> AskEchoAsync(IHost host, string node, string message) =>
        SystemOf(host).ActorSelection($"{AddressOf(node)}/user/echo").Ask<string>(message, Timeout);

    public static ActorSystem SystemOf(IHost host) => host.Services.GetRequiredService<ActorSystem>();

    public async ValueTask DisposeAsync()
    {
        IHost[] hosts;
        HashSet<IHost> started;
        lock (_hosts)
        {
            hosts = [.. _hosts];
            started = [.. _started];
        }
        try
        {
            // A host whose start failed is only disposed: Host.StopAsync throws on one that never started.
            await Task.WhenAll(hosts.Select(host => started.Contains(host) ? StopAsync(host) : DisposeAsync(host)));
        }
        finally
        {
            foreach (string file in Directory.GetFiles("/dev/shm", SystemName + ".*"))
                File.Delete(file);
        }
    }

    private static async Task StopAsync(IHost host)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await host.StopAsync(timeout.Token);
        }
        finally
        {
            host.Dispose();
        }
    }

    private static async Task DisposeAsync(IHost host)
    {
        if (host is IAsyncDisposable disposable)
            await disposable.DisposeAsync();
        else
            host.Dispose();
    }

    /// <summary>Replies with what it receives.</summary>
    private sealed class EchoActor : ReceiveActor
    {
        public EchoActor() => ReceiveAny(message => Sender.Tell(message));
    }
}
