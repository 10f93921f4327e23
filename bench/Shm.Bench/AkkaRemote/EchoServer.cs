using Akka.Actor;
using Shm.Bench.Harness;

namespace Shm.Bench.AkkaRemote;

/// <summary>
/// The child process of the suite (role <see cref="Role"/>): an actor system with echo actors <c>echo-0</c> ..
/// <c>echo-{Echoes - 1}</c> and one more, <see cref="WatchedName"/>, that the bench process watches before it kills
/// this process. It prints <c>ready {address}</c> once its actors exist and its transport listens, then serves until
/// its parent process is gone or <see cref="s_lifetime"/> has passed (a child orphaned by a failed run does not linger).
/// Every child of the suite ends by SIGKILL, so nothing here shuts down gracefully on purpose.
/// </summary>
internal static class EchoServer
{
    public const string Role = "akka-echo";

    /// <summary>Echo actors the server starts: one per client of the largest ping-pong round.</summary>
    public const int Echoes = 10;

    public const string WatchedName = "watched";

    private const string ReadyPrefix = "ready ";
    private static readonly TimeSpan s_lifetime = TimeSpan.FromMinutes(20);

    /// <summary>The child's arguments: transport (<c>shm</c>, <c>direct</c> or <c>tcp</c>), actor-system name, shm node name, parent pid.</summary>
    public static string[] Arguments(string transport, string systemName, string node) =>
        [transport, systemName, node, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)];

    /// <summary>The address the child printed in its ready line, or null if the line is something else.</summary>
    public static string? AddressOfReadyLine(string? line) =>
        line is not null && line.StartsWith(ReadyPrefix, StringComparison.Ordinal) ? line[ReadyPrefix.Length..] : null;

    public static int Run(string[] args)
    {
        if (args.Length != 4)
        {
            Console.Error.WriteLine($"usage: --child {Role} shm|direct|tcp SYSTEM NODE PARENT-PID");
            return 2;
        }
        (string transport, string systemName, string node, int parent) = (args[0], args[1], args[2], int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
        var config = transport switch
        {
            "shm" => AkkaHocon.Shm(node),
            "tcp" => AkkaHocon.Tcp(),
            "direct" => AkkaHocon.Direct(node),
            _ => throw new ArgumentException($"Transport '{transport}' is not shm, direct or tcp.", nameof(args)),
        };
        ActorSystem system = ActorSystem.Create(systemName, config);
        for (int i = 0; i < Echoes; i++)
            system.ActorOf(Props.Create(typeof(Echo)), "echo-" + i);
        system.ActorOf(Props.Create(typeof(Echo)), WatchedName);
        Console.WriteLine(ReadyPrefix + ((ExtendedActorSystem)system).Provider.DefaultAddress);
        Console.Out.Flush();

        ParentProcess.AwaitExit(parent, s_lifetime);
        system.Terminate().Wait(TimeSpan.FromSeconds(10));
        return 0;
    }

    /// <summary>Answers every message to its sender (RemotePingPong's EchoActor).</summary>
    internal sealed class Echo : ActorBase
    {
        protected override bool Receive(object message)
        {
            Sender.Tell(message, Self);
            return true;
        }
    }
}
