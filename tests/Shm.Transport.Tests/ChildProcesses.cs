namespace Shm.Transport.Tests;

/// <summary>
/// The tests that start node processes run one class at a time: on CI's two cores, three-process clusters side by
/// side could starve a live member past Akka.Cluster's heartbeat pause (3 s) and have it downed for being slow.
/// </summary>
public static class ChildProcesses
{
    /// <summary>The xunit collection of those tests.</summary>
    public const string Collection = "child processes";
}
