namespace Shm.Transport.Tests;

/// <summary>The node program the multi-process tests start (tests/Shm.TransportNode, built next to this test assembly).</summary>
internal static class NodeProgram
{
    public static string Dll
    {
        get
        {
            string dir = AppContext.BaseDirectory.TrimEnd('/');
            string config = Path.GetFileName(Path.GetDirectoryName(dir)!);
            return Path.GetFullPath(Path.Combine(dir, "../../../../Shm.TransportNode/bin", config, "net10.0/Shm.TransportNode.dll"));
        }
    }
}
