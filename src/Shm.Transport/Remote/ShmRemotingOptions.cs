using System.Globalization;
using System.Text;
using Akka.Configuration;
using Shm.Primitives;

namespace Shm.Transport.Remote;

/// <summary>
/// The settings of the <c>akka.remote.shm</c> transport as an object (plain settable properties, so they bind from
/// Microsoft.Extensions.Configuration), turned into the HOCON Akka reads by <see cref="ToConfig"/>: the transport as the
/// only enabled one, <see cref="ProcessLivenessFailureDetector"/> for DeathWatch and Akka.Cluster, and the reader's
/// executor for the default dispatcher. The actor provider is not set here (<c>remote</c>, <c>cluster</c> or the
/// direct-path providers are the caller's choice).
/// </summary>
/// <example><code>
/// Config config = ConfigurationFactory.ParseString("akka.actor.provider = remote")
///     .WithFallback(new ShmRemotingOptions { HostName = "worker-1" }.ToConfig());
/// using ActorSystem system = ActorSystem.Create("orders", config);   // akka.shm://orders@worker-1:1
/// </code></example>
public sealed class ShmRemotingOptions
{
    /// <summary>The transport class, as <c>akka.remote.shm.transport-class</c> names it.</summary>
    public static readonly string TransportClass = $"{typeof(SharedMemoryTransport).FullName}, {typeof(SharedMemoryTransport).Assembly.GetName().Name}";

    /// <summary>The failure detector class, as <c>implementation-class</c> keys name it.</summary>
    public static readonly string FailureDetectorClass = $"{typeof(ProcessLivenessFailureDetector).FullName}, {typeof(ProcessLivenessFailureDetector).Assembly.GetName().Name}";

    /// <summary>
    /// This node's name among the box's nodes of the actor system, and the host of its address
    /// (<c>akka.shm://{system}@{HostName}:1</c>): 1 to 64 letters, digits, '-' or '_'. Empty: <c>node-{pid}</c>.
    /// </summary>
    public string HostName { get; set; } = "";

    /// <summary>Where the node directory and the inbox rings live. Default /dev/shm.</summary>
    public string SegmentDirectory { get; set; } = "/dev/shm";

    /// <summary>Cells of this node's inbox ring, 2 to 4,194,304 (rounded up to a power of two; 232 bytes of a PDU each). Default 8192.</summary>
    public long InboxCapacity { get; set; } = 8192;

    /// <summary>The largest Akka PDU an association carries (Akka refuses larger messages, logging an oversized payload). Default 256 KiB.</summary>
    public int MaximumPayloadBytes { get; set; } = SharedMemoryTransportSettings.DefaultMaximumPayloadBytes;

    /// <summary>PDUs buffered per peer while its inbox ring is full; past this Write returns false and Akka backs off. Default 100,000.</summary>
    public int OutboundBufferMessages { get; set; } = 100_000;

    /// <summary>
    /// Asks from other nodes this node's actors can be answering at once on the direct path (the response slots of its
    /// ask channel), 1 to 32,768. Default 256; an ask that finds none free is told through the inbox instead.
    /// </summary>
    public int AskResponseSlots { get; set; } = 256;

    /// <summary>The largest serialized reply to an ask on the direct path; a larger one fails its ask with an error naming the size. Default 64 KiB.</summary>
    public int AskReplyMaxBytes { get; set; } = 64 * 1024;

    /// <summary>How the inbox reader waits: spin then sleep (lowest latency), or sleep at once (no idle CPU).</summary>
    public ShmWaitStrategy WaitStrategy { get; set; } = ShmWaitStrategy.SpinThenSleep;

    /// <summary>
    /// Whether DeathWatch and Akka.Cluster use <see cref="ProcessLivenessFailureDetector"/> (a killed peer is
    /// detected within milliseconds instead of after the heartbeat pause). Default true.
    /// </summary>
    public bool UseProcessLivenessFailureDetector { get; set; } = true;

    /// <summary>
    /// Whether the inbox reader runs the turns of quick actors it delivers to itself, instead of waking a thread-pool
    /// worker for each (<see cref="ShmReaderExecutorConfigurator"/> as <c>akka.actor.default-dispatcher.executor</c>).
    /// Default true: a message and its reply then cost no thread hand-off; a slow actor's turns go to the pool, and
    /// a blocked one is taken over by a new reader.
    /// </summary>
    public bool ReaderRunsQuickTurns { get; set; } = true;

    /// <summary>
    /// Whether Akka.Hosting's <c>WithShmRemoting</c> selects the direct-path provider (<see cref="ShmRemoteActorRefProvider"/>,
    /// or <see cref="ShmClusterActorRefProvider"/> when clustering was chosen before it): Tell and Ask to the other shm
    /// nodes of the box straight into their rings. Default false (Akka's own provider). <see cref="ToConfig"/> leaves
    /// the provider to the caller's <c>akka.actor.provider</c>.
    /// </summary>
    public bool UseDirectPath { get; set; }

    /// <summary>The direct-path provider, as <c>akka.actor.provider</c> names it.</summary>
    public static readonly string DirectProviderClass = $"{typeof(ShmRemoteActorRefProvider).FullName}, {typeof(ShmRemoteActorRefProvider).Assembly.GetName().Name}";

    /// <summary>The direct-path cluster provider, as <c>akka.actor.provider</c> names it.</summary>
    public static readonly string DirectClusterProviderClass = $"{typeof(ShmClusterActorRefProvider).FullName}, {typeof(ShmClusterActorRefProvider).Assembly.GetName().Name}";

    /// <summary>The executor class, as a dispatcher's <c>executor</c> key names it.</summary>
    public static readonly string ReaderExecutorClass = $"{typeof(ShmReaderExecutorConfigurator).FullName}, {typeof(ShmReaderExecutorConfigurator).Assembly.GetName().Name}";

    /// <summary>The HOCON of these settings.</summary>
    /// <exception cref="ConfigurationException">A setting is out of range (the message names it and its limit).</exception>
    public Config ToConfig()
    {
        var hocon = new StringBuilder();
        hocon.AppendLine("akka.remote.enabled-transports = [\"akka.remote.shm\"]");
        hocon.AppendLine("akka.remote.shm {");
        Append(hocon, "transport-class", TransportClass);
        hocon.AppendLine("  applied-adapters = []");
        if (HostName.Length > 0)
            Append(hocon, "hostname", HostName);
        Append(hocon, "segment-directory", SegmentDirectory);
        hocon.AppendLine(CultureInfo.InvariantCulture, $"  inbox-capacity = {InboxCapacity}");
        hocon.AppendLine(CultureInfo.InvariantCulture, $"  maximum-payload-bytes = {MaximumPayloadBytes}");
        hocon.AppendLine(CultureInfo.InvariantCulture, $"  outbound-buffer-messages = {OutboundBufferMessages}");
        hocon.AppendLine(CultureInfo.InvariantCulture, $"  ask-response-slots = {AskResponseSlots}");
        hocon.AppendLine(CultureInfo.InvariantCulture, $"  ask-reply-max-bytes = {AskReplyMaxBytes}");
        Append(hocon, "wait-strategy", WaitStrategy == ShmWaitStrategy.Sleep ? "sleep" : "spin-then-sleep");
        hocon.AppendLine("}");
        if (UseProcessLivenessFailureDetector)
        {
            hocon.Append("akka.remote.watch-failure-detector.implementation-class = ").AppendLine(Quote(FailureDetectorClass));
            hocon.Append("akka.cluster.failure-detector.implementation-class = ").AppendLine(Quote(FailureDetectorClass));
        }
        if (ReaderRunsQuickTurns)
            hocon.Append("akka.actor.default-dispatcher.executor = ").AppendLine(Quote(ReaderExecutorClass));
        Config config = ConfigurationFactory.ParseString(hocon.ToString());
        SharedMemoryTransportSettings.Read(config.GetConfig("akka.remote.shm")); // fails here, naming the key, rather than at start
        return config;
    }

    private static void Append(StringBuilder hocon, string key, string value) => hocon.Append("  ").Append(key).Append(" = ").AppendLine(Quote(value));

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
