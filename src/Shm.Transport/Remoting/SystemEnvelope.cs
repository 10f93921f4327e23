namespace Shm.Transport.Remoting;

/// <summary>
/// The system messages that cross nodes (remote DeathWatch), carried as envelopes of kind 2: the SerializerId field
/// holds the <see cref="SystemEnvelopeKind"/> and flags, there is no manifest or payload; Recipient is the actor on
/// the receiving node, Sender the actor on the sending node.
/// </summary>
internal enum SystemEnvelopeKind
{
    /// <summary>Recipient (the watchee) gets a watcher: Sender.</summary>
    Watch = 1,

    /// <summary>Recipient (the watchee) loses the watcher Sender.</summary>
    Unwatch = 2,

    /// <summary>Recipient (a watcher) learns that Sender stopped.</summary>
    DeathWatchNotification = 3,
}

internal static class SystemEnvelopeFlags
{
    public const int ExistenceConfirmed = 1 << 8;
}
