using System.Diagnostics.Metrics;
using Shm.Primitives.Diagnostics;

namespace Shm.Transport.Diagnostics;

/// <summary>
/// The transport's instruments (meter <see cref="MeterName"/>), one series per running node, tagged <c>shm.node</c>
/// with <c>{system}@{node}</c>. Counters are read from each node's own counters when a listener collects, so the
/// message path pays two plain adds to its thread's own cell (<see cref="MessageCounters"/>); the ask histogram is recorded only while someone listens.
/// </summary>
internal static class TransportMetrics
{
    public const string MeterName = "Shm.Transport";
    public const string NodeTag = "shm.node";

    private static readonly Meter s_meter = new(MeterName);
    private static readonly MetricSources<NodeSnapshot> s_nodes = new(NodeTag);

    /// <summary>Round trips of asks to actors of other nodes, in seconds (successful ones).</summary>
    public static readonly Histogram<double> AskDuration =
        s_meter.CreateHistogram<double>("shm.transport.ask.duration", "s", "Round-trip time of asks to actors of other nodes.");

    static TransportMetrics()
    {
        s_meter.CreateObservableCounter("shm.transport.messages.sent", () => s_nodes.Observe(n => n.MessagesSent), "{message}", "Messages this node sent to other nodes (Tell, asks, replies).");
        s_meter.CreateObservableCounter("shm.transport.bytes.sent", () => s_nodes.Observe(n => n.BytesSent), "By", "Envelope bytes this node sent to other nodes.");
        s_meter.CreateObservableCounter("shm.transport.messages.received", () => s_nodes.Observe(n => n.MessagesReceived), "{message}", "Envelopes this node's inbox reader dispatched.");
        s_meter.CreateObservableCounter("shm.transport.bytes.received", () => s_nodes.Observe(n => n.BytesReceived), "By", "Envelope bytes this node's inbox reader dispatched.");
        s_meter.CreateObservableCounter("shm.transport.dead_letters", () => s_nodes.Observe(n => n.DeadLetters), "{message}", "Messages the transport could not deliver (node down or unknown, buffer full).");
        s_meter.CreateObservableCounter("shm.transport.node_deaths", () => s_nodes.Observe(n => n.NodeDeaths), "{node}", "Other nodes seen dying (kill -9 or crash), each then recovered from: its asks failed, its watchers told.");
        s_meter.CreateObservableUpDownCounter("shm.transport.inbox.count", () => s_nodes.Observe(n => n.InboxCount), "{cell}", "Cells waiting in this node's inbox ring (an envelope longer than one cell takes several).");
    }

    /// <summary>Starts reporting <paramref name="counters"/> as node <paramref name="node"/>; dispose before the node stops.</summary>
    public static IDisposable Register(string node, NodeCounters counters) => s_nodes.Register(node, counters.Snapshot);

    /// <summary>The values of one node at one collection.</summary>
    internal readonly record struct NodeSnapshot(long MessagesSent, long BytesSent, long MessagesReceived, long BytesReceived, long DeadLetters, long NodeDeaths, long InboxCount);

    /// <summary>The counters of one node.</summary>
    internal sealed class NodeCounters(Func<long> deadLetters, Func<long> inboxCount)
    {
        public readonly MessageCounters Messages = new();
        public long NodeDeaths;

        public NodeSnapshot Snapshot()
        {
            (long messagesSent, long bytesSent, long messagesReceived, long bytesReceived) = Messages.Sum();
            return new(messagesSent, bytesSent, messagesReceived, bytesReceived,
                deadLetters(), Volatile.Read(ref NodeDeaths), inboxCount());
        }
    }
}
