using Akka.Configuration;
using Shm.Transport.Remote;

namespace Shm.Bench.AkkaRemote;

/// <summary>
/// The configurations of the suite's actor systems: the same remote provider, logging and dispatchers on every
/// transport, so only the transport differs between the rows' two columns.
/// </summary>
internal static class AkkaHocon
{
    /// <summary>The in-memory transport's scheme; its addresses read <c>akka.test://{system}@{host}:{port}</c>.</summary>
    public const string TestScheme = "test";

    // Warnings and errors go to stderr with the rest of the progress log (stdout is the result table, and a child's
    // stdout is its "ready" line); lifecycle events are not logged, since every child of the suite ends by SIGKILL.
    private static readonly string s_common = $"""
        akka.loglevel = WARNING
        akka.stdout-loglevel = OFF
        akka.loggers = ["{typeof(StderrLogger).FullName}, {typeof(StderrLogger).Assembly.GetName().Name}"]
        akka.actor.provider = remote
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        akka.remote.log-remote-lifecycle-events = off
        """;

    /// <summary>Node <paramref name="node"/> over akka.remote.shm, with the transport's default detector settings.</summary>
    public static Config Shm(string node) =>
        ConfigurationFactory.ParseString(s_common).WithFallback(new ShmRemotingOptions { HostName = node }.ToConfig());

    /// <summary>
    /// Node <paramref name="node"/> over akka.remote.shm with the direct-path provider: a Tell to the other node goes
    /// straight into its inbox ring, not through Akka.Remote's endpoint pipeline.
    /// </summary>
    public static Config Direct(string node) =>
        ConfigurationFactory.ParseString($"akka.actor.provider = \"{typeof(ShmRemoteActorRefProvider).FullName}, {typeof(ShmRemoteActorRefProvider).Assembly.GetName().Name}\"")
            .WithFallback(Shm(node));

    /// <summary>Akka's local provider alone (no remoting): the baseline of in-process Tell.</summary>
    public static Config Local() => ConfigurationFactory.ParseString(s_common + """

        akka.actor.provider = local
        """);

    /// <summary>Akka's default transport (DotNetty TCP) on loopback, on a port the kernel picks; Akka's default detectors.</summary>
    public static Config Tcp() => ConfigurationFactory.ParseString(s_common + """

        akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
        """);

    /// <summary>
    /// Akka.Remote's in-memory <c>TestTransport</c>, configured as Akka's own specs do: systems that share
    /// <paramref name="registryKey"/> (in one process) reach each other by the address given here.
    /// </summary>
    public static Config InMemory(string registryKey, string system, string host, int port) => ConfigurationFactory.ParseString(s_common + $$"""

        akka.remote.enabled-transports = ["akka.remote.test"]
        akka.remote.test {
          transport-class = "Akka.Remote.Transport.TestTransport, Akka.Remote"
          applied-adapters = []
          registry-key = "{{registryKey}}"
          local-address = "{{TestScheme}}://{{system}}@{{host}}:{{port}}"
          maximum-payload-bytes = 128000b
          scheme-identifier = {{TestScheme}}
        }
        """);
}
