using Shm.Primitives.Participants;
using Shm.Primitives.Segments;
using Shm.Primitives.Threading;

namespace Shm.Primitives;

// What a primitive built on this queue (ShmReqRepServer<TReq,TResp>) needs beyond the public API.
public sealed unsafe partial class ShmQueue<T>
{
    /// <summary>A queue over the first part of <paramref name="segment"/>, laid out by <paramref name="queueGeometry"/>.</summary>
    internal static ShmQueue<T> OverPartOf(Segment segment, in SegmentGeometry queueGeometry) => new(segment, queueGeometry, registerMetrics: false);

    internal ParticipantTable Participants => _participants;

    internal SleepCoordinator Sleepers => _sleepers;

    /// <summary>Blocks a consumer-side attempt on this queue's sleepers (spin optional), examining stuck claims as usual.</summary>
    internal bool WaitAsConsumer<TAttempt>(ref TAttempt attempt, TimeSpan timeout, bool spin, CancellationToken cancellationToken)
        where TAttempt : struct, IWaitAttempt, allows ref struct =>
        _sleepers.Wait(this, ref attempt, consumerSide: true, timeout, cancellationToken, spin);

    /// <summary>Resolves dead participants' claims now (rate-limited), so a lost item reaches <see cref="LostToDeadConsumer"/>.</summary>
    internal void ResolveDeadClaims() => ReapDeadParticipants();
}
