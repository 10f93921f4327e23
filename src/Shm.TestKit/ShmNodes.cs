using Akka.Actor;
using Akka.Configuration;
using Shm.Transport.Remote;

namespace Shm.TestKit;

/// <summary>
/// The actor systems of one test over <c>akka.remote.shm</c>: a system name unique to the test (so tests running side
/// by side never meet), nodes in this process, and removal of every segment the system left when disposed (its node
/// directory, and what a killed node could not remove).
/// </summary>
/// <example><code>
/// using var nodes = new ShmNodes();
/// ActorSystem a = nodes.Start("a");
/// using NodeProcess b = NodeProcess.Start(nodeDll, nodes.SystemName, "b");
/// IActorRef echo = await a.ActorSelection(nodes.AddressOf("b") + "/user/echo").ResolveOne(TimeSpan.FromSeconds(30));
/// </code></example>
public sealed class ShmNodes : IDisposable
{
    private static int s_counter;
    private readonly List<ActorSystem> _systems = [];

    /// <summary>Creates the nodes of a new system, named <c>{prefix}-{pid}-{n}-{random}</c> (40 characters at most).</summary>
    public ShmNodes(string prefix = "shmtest")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        string name = $"{prefix}-{Environment.ProcessId}-{Interlocked.Increment(ref s_counter)}-{Guid.NewGuid():N}";
        SystemName = name.Length > 40 ? name[..40] : name;
    }

    /// <summary>The actor system's name, which every node of it shares.</summary>
    public string SystemName { get; }

    /// <summary>Where the system's segments live.</summary>
    public string SegmentDirectory { get; init; } = "/dev/shm";

    /// <summary>
    /// The HOCON of node <paramref name="node"/> of this system: <paramref name="extra"/> over
    /// <see cref="ShmRemotingOptions.ToConfig"/> (with <paramref name="configure"/> applied), with the
    /// <paramref name="provider"/> given (<c>remote</c>, <c>cluster</c>, or a provider's type name such as the direct path's).
    /// </summary>
    public Config ConfigOf(string node, string extra = "", string provider = "remote", Action<ShmRemotingOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(node);
        var options = new ShmRemotingOptions { HostName = node, SegmentDirectory = SegmentDirectory };
        configure?.Invoke(options);
        return ConfigurationFactory.ParseString($"""
            akka.loglevel = WARNING
            akka.actor.provider = "{provider}"
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

    /// <summary>The address of node <paramref name="node"/>: <c>akka.shm://{system}@{node}:1</c>.</summary>
    public Address AddressOf(string node) => new("akka.shm", SystemName, node, SharedMemoryTransport.Port);

    /// <summary>The segment files of this system still present.</summary>
    public string[] Segments() => Directory.GetFiles(SegmentDirectory, SystemName + ".*");

    /// <summary>Removes every segment of <paramref name="system"/> in <paramref name="directory"/> (what killed nodes left).</summary>
    public static void RemoveSegments(string system, string directory = "/dev/shm")
    {
        foreach (string file in Directory.GetFiles(directory, system + ".*"))
            File.Delete(file);
    }

    /// <summary>Terminates the nodes started here and removes the system's segments.</summary>
    public void Dispose()
    {
        ActorSystem[] systems;
        lock (_systems)
            systems = [.. _systems];
        Task.WaitAll([.. systems.Select(s => s.Terminate())], TimeSpan.FromSeconds(30));
        RemoveSegments(SystemName, SegmentDirectory);
    }
}
