namespace Shm.Transport.PubSub;

/// <summary>Tell (or Ask) to <see cref="DistributedPubSub.Mediator"/>; the reply is <see cref="CurrentTopics"/>.</summary>
public sealed record GetTopics
{
    /// <summary>The one instance.</summary>
    public static GetTopics Instance { get; } = new();
}
