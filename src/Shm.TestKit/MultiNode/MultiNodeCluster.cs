using Shm.Transport;

namespace Shm.TestKit.MultiNode;

/// <summary>
/// One actor system spread over several nodes for a test: nodes in this process (<see cref="StartNode"/>) and in child
/// processes (<see cref="StartProcess"/>), a unique system name so tests never meet, and clean-up of every segment
/// the system left (its node directory and any inbox a killed node could not remove).
/// </summary>
/// <example><code>
/// using var cluster = new MultiNodeCluster();
/// ActorSystem a = cluster.StartNode("a");
/// using NodeProcess b = cluster.StartProcess("b", nodeProgramDll);
/// cluster.AwaitMembers(a, "b");
/// a.ActorSelection(cluster.PathOf("b", "/user/echo")).Tell("hi", probe);
/// </code></example>
public sealed class MultiNodeCluster : IDisposable
{
    private static int s_counter;
    private readonly List<ActorSystem> _systems = [];
    private readonly List<NodeProcess> _processes = [];

    /// <summary>Creates a cluster with a system name unique to this process and test.</summary>
    /// <param name="segmentDirectory">Where the system's segments go (default /dev/shm).</param>
    public MultiNodeCluster(string segmentDirectory = "/dev/shm")
    {
        SystemName = $"shmtest-{Environment.ProcessId}-{Interlocked.Increment(ref s_counter)}";
        SegmentDirectory = segmentDirectory;
    }

    /// <summary>The actor system's name every node joins.</summary>
    public string SystemName { get; }

    /// <summary>Where the system's segments live.</summary>
    public string SegmentDirectory { get; }

    /// <summary>The full path of an actor on a node: <c>shm://{system}@{node}{path}</c>.</summary>
    public string PathOf(string node, string path) => $"shm://{SystemName}@{node}{path}";

    /// <summary>Starts a node in this process (terminated when the cluster is disposed). Safe to call from several threads.</summary>
    public ActorSystem StartNode(string node, Action<ShmTransportOptions>? configure = null)
    {
        var options = new ShmTransportOptions { NodeName = node, SegmentDirectory = SegmentDirectory };
        configure?.Invoke(options);
        ActorSystem system = ActorSystem.Create(SystemName, ActorSystemSettings.Default.WithShmTransport(options) with
        {
            RunCoordinatedShutdownOnProcessExit = false,
        });
        lock (_systems)
            _systems.Add(system);
        return system;
    }

    /// <summary>
    /// Starts a node in a child process: <c>dotnet <paramref name="programDll"/> SYSTEM NODE DIRECTORY [args]</c>, which
    /// must print "ready" once its system runs and terminate it when its standard input closes.
    /// </summary>
    public NodeProcess StartProcess(string node, string programDll, params string[] args)
    {
        NodeProcess process = NodeProcess.Start(programDll, [SystemName, node, SegmentDirectory, .. args]);
        _processes.Add(process);
        return process;
    }

    /// <summary>Waits (up to <paramref name="timeout"/>, default 30 s) until <paramref name="system"/> sees every named node up.</summary>
    /// <exception cref="TimeoutException">They did not all come up in time.</exception>
    public static void AwaitMembers(ActorSystem system, IEnumerable<string> nodes, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        string[] wanted = [.. nodes];
        while (!wanted.All(ShmTransport.MembersOf(system).Contains))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{system.Name} did not see nodes {string.Join(", ", wanted)} come up in time; it sees {string.Join(", ", ShmTransport.MembersOf(system))}.");
            Thread.Sleep(1);
        }
    }

    /// <summary>Waits until <paramref name="system"/> sees the named nodes up (30 s).</summary>
    public void AwaitMembers(ActorSystem system, params string[] nodes) => AwaitMembers(system, nodes, null);

    /// <summary>Segment files of this system still present.</summary>
    public string[] Segments() => Directory.GetFiles(SegmentDirectory, SystemName + ".*");

    /// <summary>Kills the child nodes, terminates the in-process ones and removes the system's segments.</summary>
    public void Dispose()
    {
        foreach (NodeProcess process in _processes)
            process.Dispose();
        foreach (ActorSystem system in _systems)
            system.Terminate().Wait(TimeSpan.FromSeconds(30));
        foreach (string file in Segments())
            File.Delete(file);
    }
}
