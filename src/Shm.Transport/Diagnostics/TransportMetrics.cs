using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Shm.Transport.Diagnostics;

/// <summary>
/// The transport's instruments (meter <see cref="MeterName"/>), one series per running node, tagged <c>shm.node</c>
/// with <c>{system}@{node}</c>. Counters are read from each node's own counters when a listener collects, so the
/// message path pays one striped add; the ask histogram is recorded only while someone listens.
/// </summary>
internal static class TransportMetrics
{
    public const string MeterName = "Shm.Transport";
    public const string NodeTag = "shm.node";

    private static readonly Meter s_meter = new(MeterName);
    private static readonly ConcurrentDictionary<NodeCounters, string> s_nodes = new();

    /// <summary>Round trips of asks to actors of other nodes, in seconds (successful ones).</summary>
    public static readonly Histogram<double> AskDuration =
        s_meter.CreateHistogram<double>("shm.transport.ask.duration", "s", "Round-trip time of asks to actors of other nodes.");

    static TransportMetrics()
    {
        s_meter.CreateObservableCounter("shm.transport.messages.sent", () => Observe(c => c.MessagesSent.Sum()), "{message}", "Messages this node sent to other nodes (Tell, asks, replies).");
        s_meter.CreateObservableCounter("shm.transport.bytes.sent", () => Observe(c => c.BytesSent.Sum()), "By", "Envelope bytes this node sent to other nodes.");
        s_meter.CreateObservableCounter("shm.transport.messages.received", () => Observe(c => c.MessagesReceived.Sum()), "{message}", "Envelopes this node's inbox reader dispatched.");
        s_meter.CreateObservableCounter("shm.transport.bytes.received", () => Observe(c => c.BytesReceived.Sum()), "By", "Envelope bytes this node's inbox reader dispatched.");
        s_meter.CreateObservableCounter("shm.transport.dead_letters", () => Observe(c => c.DeadLetters()), "{message}", "Messages the transport could not deliver (node down or unknown, buffer full).");
        s_meter.CreateObservableCounter("shm.transport.node_deaths", () => Observe(c => Volatile.Read(ref c.NodeDeaths)), "{node}", "Other nodes seen dying (kill -9 or crash), each then recovered from: its asks failed, its watchers told.");
        s_meter.CreateObservableUpDownCounter("shm.transport.inbox.count", () => Observe(c => c.InboxCount()), "{message}", "Envelopes waiting in this node's inbox ring.");
    }

    /// <summary>Starts reporting a node's counters; dispose when it stops.</summary>
    public static NodeCounters Register(string node, Func<long> deadLetters, Func<long> inboxCount)
    {
        var counters = new NodeCounters(deadLetters, inboxCount);
        s_nodes[counters] = node;
        return counters;
    }

    private static IEnumerable<Measurement<long>> Observe(Func<NodeCounters, long> read)
    {
        foreach ((NodeCounters counters, string node) in s_nodes)
        {
            if (counters.TryRead(read, out long value))
                yield return new Measurement<long>(value, new KeyValuePair<string, object?>(NodeTag, node));
        }
    }

    /// <summary>The counters of one node.</summary>
    internal sealed class NodeCounters(Func<long> deadLetters, Func<long> inboxCount) : IDisposable
    {
        private readonly object _gate = new();
        private bool _disposed;
        // Every counter written per message lives on cache lines of its own (StripedCounter cells): a plain field here
        // written by the inbox reader would share a line with the references every sender reads on each Tell.
        public readonly StripedCounter MessagesSent = new();
        public readonly StripedCounter BytesSent = new();
        public readonly StripedCounter MessagesReceived = new();
        public readonly StripedCounter BytesReceived = new();
        public long NodeDeaths;

        public long DeadLetters() => deadLetters();

        public long InboxCount() => inboxCount();

        /// <summary>Reads under the gate Dispose takes, so a collection never reads a node that stopped (and unmapped).</summary>
        public bool TryRead(Func<NodeCounters, long> read, out long value)
        {
            lock (_gate)
            {
                value = _disposed ? 0 : read(this);
                return !_disposed;
            }
        }

        public void Dispose()
        {
            lock (_gate)
                _disposed = true;
            s_nodes.TryRemove(this, out _);
        }
    }
}
