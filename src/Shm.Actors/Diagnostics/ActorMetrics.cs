using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Shm.Actors.Diagnostics;

/// <summary>
/// The actor runtime's instruments (meter <see cref="MeterName"/>), one series per running system, tagged
/// <c>shm.system</c> with its name (and <c>shm.node</c> with its node name when it has one): dead letters
/// (undeliverable messages published as DeadLetter, suppressed ones included).
/// </summary>
internal static class ActorMetrics
{
    public const string MeterName = "Shm.Actors";
    public const string SystemTag = "shm.system";
    public const string NodeTag = "shm.node";

    private static readonly Meter s_meter = new(MeterName);
    private static readonly ConcurrentDictionary<SystemCounters, KeyValuePair<string, object?>[]> s_systems = new();

    static ActorMetrics() =>
        s_meter.CreateObservableCounter("shm.actors.dead_letters", ObserveDeadLetters, "{message}", "Messages that could not be delivered (dead letters).");

    /// <summary>Starts reporting a system's counters; dispose when it terminates.</summary>
    public static SystemCounters Register(string systemName, string? node)
    {
        var counters = new SystemCounters();
        s_systems[counters] = node is null
            ? [new(SystemTag, systemName)]
            : [new(SystemTag, systemName), new(NodeTag, node)];
        return counters;
    }

    private static IEnumerable<Measurement<long>> ObserveDeadLetters()
    {
        foreach ((SystemCounters counters, KeyValuePair<string, object?>[] tags) in s_systems)
            yield return new Measurement<long>(Interlocked.Read(ref counters.DeadLetters), tags);
    }

    /// <summary>The counters of one system (plain fields: incremented with Interlocked where they are counted).</summary>
    internal sealed class SystemCounters : IDisposable
    {
        public long DeadLetters;

        public void Dispose() => s_systems.TryRemove(this, out _);
    }
}
