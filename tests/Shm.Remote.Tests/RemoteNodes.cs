using Akka.Actor;
using Akka.Configuration;
using Shm.Transport.Remote;

namespace Shm.Remote.Tests;

/// <summary>
/// Actor systems of one test over akka.remote.shm: a system name unique to the test (so tests never meet), nodes in
/// this process, and removal of every segment the system left (its node directory, and inboxes a killed node could not remove).
/// </summary>
public sealed class RemoteNodes : IDisposable
{
    private static int s_counter;
    private readonly List<ActorSystem> _systems = [];

    public RemoteNodes() => SystemName = $"shmtest-{Environment.ProcessId}-{Interlocked.Increment(ref s_counter)}-{Guid.NewGuid():N}"[..40];

    public string SystemName { get; }

    /// <summary>The HOCON of a node <paramref name="node"/> of this system, before <paramref name="extra"/>.</summary>
    public Config ConfigOf(string node, string extra = "", string provider = "remote", Action<ShmRemotingOptions>? configure = null)
    {
        var options = new ShmRemotingOptions { HostName = node };
        configure?.Invoke(options);
        return ConfigurationFactory.ParseString($"""
            akka.loglevel = WARNING
            akka.actor.provider = {provider}
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            {extra}
            """).WithFallback(options.ToConfig());
    }

    /// <summary>Starts node <paramref name="node"/> in this process (terminated when this is disposed).</summary>
    public ActorSystem Start(string node, string extra = "", Action<ShmRemotingOptions>? configure = null, string provider = "remote")
    {
        ActorSystem system = ActorSystem.Create(SystemName, ConfigOf(node, extra, provider, configure));
        lock (_systems)
            _systems.Add(system);
        return system;
    }

    /// <summary>The address of node <paramref name="node"/>: akka.shm://{system}@{node}:1.</summary>
    public Address AddressOf(string node) => new("akka.shm", SystemName, node, SharedMemoryTransport.Port);

    public void Dispose()
    {
        ActorSystem[] systems;
        lock (_systems)
            systems = [.. _systems];
        Task.WaitAll([.. systems.Select(s => s.Terminate())], TimeSpan.FromSeconds(30));
        foreach (string file in Directory.GetFiles("/dev/shm", SystemName + ".*"))
            File.Delete(file);
    }
}
