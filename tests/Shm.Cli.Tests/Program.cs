using Shm.Primitives;

namespace Shm.Cli.Tests;

/// <summary>
/// The test assembly run as a child process (dotnet Shm.Cli.Tests.dll ROLE ...), so gc can be tested against a segment
/// whose creator and only user really died. Roles:
///   hold-queue PATH   create a ShmQueue&lt;long&gt; at PATH, enqueue one item, print "ready", wait until killed
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["hold-queue", string path])
        {
            using var queue = ShmQueue<long>.CreateNew(path, 16);
            queue.TryEnqueue(Environment.ProcessId);
            Console.WriteLine("ready");
            Console.In.ReadLine(); // the parent keeps stdin open and kills us; EOF means the parent died: exit
            return 0;
        }
        Console.Error.WriteLine("usage: Shm.Cli.Tests hold-queue PATH");
        return 2;
    }
}
