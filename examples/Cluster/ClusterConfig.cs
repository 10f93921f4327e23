using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using Shm.Actors.Mailboxes;
using Shm.Actors.PubSub;
using Shm.Transport.Remote;

namespace Shm.Examples.Cluster;

/// <summary>
/// The one place that chooses the transport: the HOCON of the coordinator's and the workers' actor systems, and the
/// pub/sub mediator the actors publish through. The actors themselves are the same ordinary Akka.NET actors on both.
/// </summary>
internal static class ClusterConfig
{
    /// <summary>The mailbox id of the workers' job actors (<c>Props.WithMailbox</c>): an shm ring, or Akka's in-memory queue.</summary>
    public const string JobsMailbox = "jobs-mailbox";

    /// <summary>The pub/sub topic the workers publish their progress on.</summary>
    public const string ProgressTopic = "progress";

    /// <summary>The node name (shm) of the coordinator.</summary>
    public const string CoordinatorNode = "coordinator";

    /// <summary>What a run over <paramref name="transport"/> uses, for the summary.</summary>
    public static string Describe(ClusterTransport transport) => transport switch
    {
        ClusterTransport.Shm => "akka.remote.shm, direct-path provider; jobs in shm mailbox rings; progress on ShmPubSub (shm topic ring); DeathWatch by process liveness",
        _ => "Akka.Remote DotNetty TCP on 127.0.0.1; in-memory mailboxes; progress on DistributedPubSub over an Akka.Cluster; DeathWatch by cluster membership (Akka's default failure detector, SBR keep-oldest)",
    };

    /// <summary>The configuration of node <paramref name="node"/>; <paramref name="seed"/> is the coordinator's address (TCP workers join it).</summary>
    public static Config For(ClusterTransport transport, string node, string? seed)
    {
        Config config = Common.WithFallback(transport switch
        {
            ClusterTransport.Shm => Shm(node),
            _ => Tcp(seed),
        });
        // A worker's standard output is drained by the coordinator; the coordinator's own is the user's screen.
        return node == CoordinatorNode ? ConfigurationFactory.ParseString($"akka.loggers = [\"{StandardErrorLogger.TypeName}\"]").WithFallback(config) : config;
    }

    /// <summary>The mediator that takes DistributedPubSub's <c>Publish</c>/<c>Subscribe</c> on <paramref name="system"/>.</summary>
    public static IActorRef MediatorOf(ActorSystem system) =>
        ((ExtendedActorSystem)system).Provider is ClusterActorRefProvider
            ? DistributedPubSub.Get(system).Mediator // an Akka.Cluster: Akka's own
            : ShmPubSub.Get(system).Mediator;        // the same messages over shm topic rings, no cluster needed

    private static readonly Config Common = ConfigurationFactory.ParseString($"""
        akka.actor.serializers.{ClusterMessageSerializer.Name} = "{typeof(ClusterMessageSerializer).FullName}, {typeof(ClusterMessageSerializer).Assembly.GetName().Name}"
        akka.actor.serialization-bindings."{typeof(IClusterMessage).FullName}, {typeof(IClusterMessage).Assembly.GetName().Name}" = {ClusterMessageSerializer.Name}
        akka.loglevel = ERROR
        akka.stdout-loglevel = ERROR
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        akka.remote.log-remote-lifecycle-events = off
        """);

    private static Config Shm(string node) => ConfigurationFactory.ParseString($"""
        akka.actor.provider = "{ShmRemotingOptions.DirectProviderClass}"
        {JobsMailbox} {"{"} mailbox-type = "{ShmMailboxType.TypeName}", capacity = 8192 {"}"}
        akka.shm.pub-sub.topic-capacity = 4096
        """).WithFallback(new ShmRemotingOptions { HostName = node }.ToConfig());

    // The coordinator is the cluster's first member (it joins itself) and the oldest; keep-oldest keeps its side when a
    // worker is killed, whatever the number of workers. The failure detector is Akka's default, as users get it.
    private static Config Tcp(string? seed) => ConfigurationFactory.ParseString($$"""
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
        {{JobsMailbox}}.mailbox-type = "Akka.Dispatch.UnboundedMailbox, Akka"
        akka.extensions = ["Akka.Cluster.Tools.PublishSubscribe.DistributedPubSubExtensionProvider, Akka.Cluster.Tools"]
        akka.cluster {
          seed-nodes = [{{(seed is null ? "" : $"\"{seed}\"")}}]
          downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
          split-brain-resolver { active-strategy = keep-oldest, stable-after = 1s, keep-oldest.down-if-alone = off }
          pub-sub.gossip-interval = 200ms
          log-info = off
        }
        """).WithFallback(DistributedPubSub.DefaultConfig());
}
