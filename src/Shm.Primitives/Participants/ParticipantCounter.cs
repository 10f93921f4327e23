namespace Shm.Primitives.Participants;

/// <summary>
/// Counter slots of a participant record shared by every primitive. Each primitive names its own slots from 0
/// up (QueueCounter, ByteQueueCounter); these are taken from the top.
/// </summary>
internal static class ParticipantCounter
{
    /// <summary>Times a blocking call went to sleep on a futex.</summary>
    public const int Sleeps = ParticipantRecordLayout.CounterCount - 1;
}
