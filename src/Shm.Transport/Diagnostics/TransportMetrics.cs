using System.Diagnostics.Metrics;
using Shm.Primitives.Diagnostics;

namespace Shm.Transport.Diagnostics;

/// <summary>
/// The transport's instruments (meter <see cref="MeterName"/>), one series per running node, tagged <c>shm.node</c>
/// with <c>{system}@{node}</c>. Counters are read from each node's own counters when a listener collects, so the
/// message path pays two plain adds to its thread's own cell (<see cref="Shm.Node.MessageCounters"/>).
/// </summary>
internal static class TransportMetrics
{
    public const string MeterName = "Shm.Transport";
    public const string NodeTag = "shm.node";

    private static readonly Meter s_meter = new(MeterName);
    private static readonly MetricSources<NodeSnapshot> s_nodes = new(NodeTag);

    static TransportMetrics()
    {
        s_meter.CreateObservableCounter("shm.transport.messages.sent", () => s_nodes.Observe(n => n.MessagesSent), "{message}", "Messages this node wrote into other nodes' inboxes (Akka.Remote frames and direct-path envelopes).");
        s_meter.CreateObservableCounter("shm.transport.bytes.sent", () => s_nodes.Observe(n => n.BytesSent), "By", "Bytes of the messages this node wrote into other nodes' inboxes.");
        s_meter.CreateObservableCounter("shm.transport.messages.received", () => s_nodes.Observe(n => n.MessagesReceived), "{message}", "Messages this node's inbox reader delivered.");
        s_meter.CreateObservableCounter("shm.transport.bytes.received", () => s_nodes.Observe(n => n.BytesReceived), "By", "Bytes of the messages this node's inbox reader delivered.");
        s_meter.CreateObservableCounter("shm.transport.dead_letters", () => s_nodes.Observe(n => n.DeadLetters), "{message}", "Messages the transport could not deliver: to a node that was down or unknown, refused by a full buffer, or to no actor.");
        s_meter.CreateObservableCounter("shm.transport.node_deaths", () => s_nodes.Observe(n => n.NodeDeaths), "{node}", "Other nodes seen dying (kill -9 or crash), each then recovered from: its asks failed, its watchers told.");
        s_meter.CreateObservableUpDownCounter("shm.transport.inbox.count", () => s_nodes.Observe(n => n.InboxCount), "{cell}", "Cells waiting in this node's inbox ring (an envelope longer than one cell takes several).");
    }

    /// <summary>Starts reporting the node <paramref name="node"/> (<c>{system}@{node}</c>) from <paramref name="snapshot"/>; dispose before the node stops.</summary>
    public static IDisposable Register(string node, Func<NodeSnapshot> snapshot) => s_nodes.Register(node, snapshot);

    /// <summary>The values of one node at one collection.</summary>
    internal readonly record struct NodeSnapshot(long MessagesSent, long BytesSent, long MessagesReceived, long BytesReceived, long DeadLetters, long NodeDeaths, long InboxCount);
}
