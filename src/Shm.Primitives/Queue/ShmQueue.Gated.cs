using Shm.Primitives.Participants;
using Shm.Primitives.Segments;
using Shm.Primitives.Threading;
using L = Shm.Primitives.Queue.ShmQueueLayout;

namespace Shm.Primitives;

// What a primitive built on this queue (ShmReqRepServer<TReq,TResp>) needs beyond the public API.
public sealed unsafe partial class ShmQueue<T>
{
    /// <summary>A queue over the first part of <paramref name="segment"/>, laid out by <paramref name="queueGeometry"/>.</summary>
    internal static ShmQueue<T> OverPartOf(Segment segment, in SegmentGeometry queueGeometry) => new(segment, queueGeometry, registerMetrics: false);

    /// <summary>
    /// A queue laid out by <paramref name="queueGeometry"/> at <paramref name="offset"/> inside a segment another
    /// primitive owns (its header unused). It sleeps and wakes on <paramref name="hostSleepers"/>, so one wait covers
    /// both. Disposing it frees its participant records and leaves the segment mapped.
    /// </summary>
    internal static ShmQueue<T> HostedIn(Segment segment, long offset, in SegmentGeometry queueGeometry, SleepCoordinator hostSleepers) =>
        new(segment, queueGeometry, registerMetrics: false, offset, hostSleepers);

    internal ParticipantTable Participants => _participants;

    /// <summary>
    /// A racy look for a hot spin: false only if the front slot is not committed yet. It reads the slot a producer's
    /// commit writes (not the tail), so the take that follows finds that line already here.
    /// </summary>
    internal bool MayHaveItems
    {
        get
        {
            long position = Volatile.Read(ref *_head);
            return L.Unmarked(Volatile.Read(ref *(long*)SlotAt(position))) - (position + 1) >= 0;
        }
    }

    internal SleepCoordinator Sleepers => _sleepers;

    /// <summary>Blocks a consumer-side attempt on this queue's sleepers (spin optional), examining stuck claims as usual.</summary>
    internal bool WaitAsConsumer<TAttempt>(ref TAttempt attempt, TimeSpan timeout, bool spin, CancellationToken cancellationToken)
        where TAttempt : struct, IWaitAttempt, allows ref struct =>
        _sleepers.Wait(this, ref attempt, consumerSide: true, timeout, cancellationToken, spin);

    /// <summary>Resolves dead participants' claims now (rate-limited), so a lost item reaches <see cref="LostToDeadConsumer"/>.</summary>
    internal void ResolveDeadClaims() => ReapDeadParticipants();
}
