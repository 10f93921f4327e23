using Shm.TestKit;

namespace Shm.Transport.Tests;

/// <summary>The node program the multi-process tests start (tests/Shm.RemoteNode, built next to this test assembly).</summary>
internal static class NodeProgram
{
    private static string Dll
    {
        get
        {
            string dir = AppContext.BaseDirectory.TrimEnd('/');
            string config = Path.GetFileName(Path.GetDirectoryName(dir)!);
            return Path.GetFullPath(Path.Combine(dir, "../../../../Shm.RemoteNode/bin", config, "net10.0/Shm.RemoteNode.dll"));
        }
    }

    /// <summary>Starts node <paramref name="node"/> of <paramref name="system"/> with the remote provider and /user/echo.</summary>
    public static NodeProcess StartRemote(string system, string node) => NodeProcess.Start(Dll, system, node, "remote");

    /// <summary>
    /// Starts node <paramref name="node"/> with the direct-path provider, /user/echo and /user/jobs on an shm mailbox
    /// (answering "MESSAGE PID"; when <paramref name="blocking"/>, blocking its turn for good at its first "block").
    /// </summary>
    public static NodeProcess StartDirect(string system, string node, bool blocking = false) =>
        blocking ? NodeProcess.Start(Dll, system, node, "direct", "blocking") : NodeProcess.Start(Dll, system, node, "direct");

    /// <summary>Starts a direct-path node whose /user/subscriber is subscribed to the shm topic "news" (answering "NODE:EVENT").</summary>
    public static NodeProcess StartTopicSubscriber(string system, string node) => NodeProcess.Start(Dll, system, node, "subscriber");

    /// <summary>Starts a direct-path node that publishes 0, 1, 2… to the shm topic "ticks" until it is killed.</summary>
    public static NodeProcess StartTopicPublisher(string system, string node) => NodeProcess.Start(Dll, system, node, "publisher");

    /// <summary>Starts a cluster member that joins through <paramref name="seed"/> and subscribes to "news".</summary>
    public static NodeProcess StartClusterMember(string system, string node, string seed, bool direct = false) =>
        NodeProcess.Start(Dll, system, node, direct ? "cluster-direct" : "cluster", seed);
}
