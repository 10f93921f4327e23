namespace Shm.Transport.PubSub;

/// <summary>The answer to <see cref="GetTopics"/>: the topics that have subscribers on this node, sorted.</summary>
/// <param name="Topics">Topic names.</param>
public sealed record CurrentTopics(IReadOnlyList<string> Topics);
