using Shm.Primitives.Participants;
using Shm.Primitives.PubSub;
using L = Shm.Primitives.PubSub.ShmPubSubLayout;
using R = Shm.Primitives.Participants.ParticipantRecordLayout;

namespace Shm.Primitives;

// Publishers that die mid-publish. Fault points: pubsub.publish.claimed / pubsub.publishmany.claimed (position
// taken, slot untouched: readers see a hole and skip it after HoleGracePeriod) and pubsub.publish.writing /
// pubsub.publishmany.writing (slot marked "writing" for the dead publisher's position). A writing slot is never
// published: whoever finds it held by a dead writer (a publisher a lap later, or a reaper freeing the dead
// record) moves it to "abandoned", which readers treat as a hole and publishers may reuse. Liveness comes from
// the participant records (announced claims, PID + start time), as in ShmQueue.
public sealed unsafe partial class ShmPubSub<T>
{
    /// <summary>
    /// A slot reads "writing" for an older position: abandon it if every publisher that claimed that position is
    /// dead. Returns true when the slot is no longer held by a writer (so the caller may claim it).
    /// </summary>
    private bool TryAbandonDeadWriter(long writingSequence)
    {
        long position = (writingSequence - 1) / 2;
        if (!_participants.IsClaimHeldOnlyByDead(position, consumerSide: false))
            return false;
        long* sequence = (long*)SlotAt(position);
        if (Interlocked.CompareExchange(ref *sequence, L.Abandoned(position), writingSequence) == writingSequence)
            _participants.Current.Counter(PubSubCounter.Abandoned)++;
        return true;
    }

    /// <summary>Frees a dead publisher's claim: its slots still marked "writing" for its positions are abandoned.</summary>
    private sealed class AbandonedClaimResolver(ShmPubSub<T> ring) : IDeadClaimResolver
    {
        public bool TryResolveDeadClaim(ulong claim, uint count)
        {
            long start = (long)(claim & R.PositionMask);
            if (count > ring._capacity)
                return true; // no correct publisher claims more than a lap; nothing sane to repair
            for (long position = start; position < start + count; position++)
            {
                long* sequence = (long*)ring.SlotAt(position);
                long writing = L.Writing(position);
                if (Volatile.Read(ref *sequence) == writing && !ring.TryAbandonDeadWriter(writing))
                    return false;
            }
            return true;
        }
    }
}
