using Shm.Actors;
using Shm.Transport.Remoting;

namespace Shm.Transport;

/// <summary>What a system's shared-memory transport knows, for monitoring and tests.</summary>
public static class ShmTransport
{
    /// <summary>The names of the other nodes currently up, as <paramref name="system"/> sees them.</summary>
    /// <exception cref="InvalidOperationException">The system was not created with <see cref="ShmTransportSettings.WithShmTransport"/>.</exception>
    public static IReadOnlyCollection<string> MembersOf(ActorSystem system) => NodeOf(system).Members;

    /// <summary>Counters of the transport of <paramref name="system"/>.</summary>
    public static ShmTransportStats StatsOf(ActorSystem system)
    {
        ShmTransportNode node = NodeOf(system);
        return new ShmTransportStats(node.Incarnation, node.DeadLetterCount, node.CorruptEnvelopeCount, node.UndeserializableCount, node.LateAskReplyCount);
    }

    internal static ShmTransportNode NodeOf(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.Provider is RemoteActorRefProvider provider
            ? provider.Transport
            : throw new InvalidOperationException($"Actor system {system.Name} does not use the shm transport (ActorSystemSettings.WithShmTransport).");
    }
}

/// <summary>Counters of one node's transport.</summary>
/// <param name="Incarnation">This node's incarnation (unique per join of the node directory).</param>
/// <param name="DeadLetters">Messages that became dead letters in the transport (node down or unknown, outbound buffer full).</param>
/// <param name="CorruptEnvelopes">Malformed envelopes skipped by the inbox reader.</param>
/// <param name="UndeserializableMessages">Envelopes whose payload failed to deserialize (logged and dropped).</param>
/// <param name="LateAskReplies">Replies to asks from other nodes that came after the asker gave up (rejected by the response slot's generation).</param>
public readonly record struct ShmTransportStats(long Incarnation, long DeadLetters, long CorruptEnvelopes, long UndeserializableMessages, long LateAskReplies);
