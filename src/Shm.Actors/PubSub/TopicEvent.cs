namespace Shm.Actors.PubSub;

/// <summary>
/// The tag an shm topic's event carries (the envelope's tag field): the id of the mediator that published it, with
/// the top bit set when the event is for every node but that one.
/// </summary>
internal static class TopicEvent
{
    private const int ExcludeOrigin = int.MinValue;

    /// <summary>The tag of an event published by mediator <paramref name="origin"/>.</summary>
    public static int Tag(int origin, bool excludeOrigin) => excludeOrigin ? origin | ExcludeOrigin : origin;

    /// <summary>Whether an event with <paramref name="tag"/> is not for mediator <paramref name="self"/> (its own, excluded).</summary>
    public static bool IsOwnExcluded(int tag, int self) => tag < 0 && (tag & int.MaxValue) == self;
}
