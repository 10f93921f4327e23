using Shm.Primitives.Participants;
using Shm.Primitives.Queue;
using Shm.Primitives.Segments;
using Shm.Primitives.Threading;

namespace Shm.Primitives.ReqRep;

/// <summary>
/// The byte channel's request queue, in two lanes: a request of up to <see cref="InlineRequest.MaxPayload"/> bytes
/// travels inline in a lock-free <see cref="ShmQueue{T}"/> (one claim, one commit), a longer one in the
/// <see cref="ShmByteQueue"/> arena under its robust lock. Order holds within each lane, not across them.
/// </summary>
/// <remarks>
/// The lane sleeps and wakes on the byte queue's futex words, so a server waiting on the byte queue (blocking or
/// async) is woken by either lane, and a client waiting for room by a take from either. Such a server waits with
/// this as its target, so between sleeps it also examines the lane for a claim a dead client never committed.
/// </remarks>
internal sealed class ByteRequestQueue : IDisposable, IWaitTarget
{
    private ByteRequestQueue(ShmByteQueue arena, ShmQueue<InlineRequest> lane)
    {
        Arena = arena;
        Lane = lane;
    }

    /// <summary>Requests longer than the lane carries.</summary>
    public ShmByteQueue Arena { get; }

    /// <summary>Requests of up to <see cref="InlineRequest.MaxPayload"/> bytes.</summary>
    public ShmQueue<InlineRequest> Lane { get; }

    /// <summary>Opens both lanes over an attached segment; the byte queue owns the segment from here on.</summary>
    public static ByteRequestQueue Open(Segment segment, in ReqRepGeometry geometry)
    {
        ShmByteQueue arena = ShmByteQueue.OverPartOf(segment, geometry.Queue);
        try
        {
            return new ByteRequestQueue(arena, ShmQueue<InlineRequest>.HostedIn(segment, geometry.LaneOffset, geometry.Lane, arena.Sleepers));
        }
        catch
        {
            arena.Dispose();
            throw;
        }
    }

    /// <summary>Requests queued in both lanes (a racy snapshot).</summary>
    public long Count => Arena.GetStats().Count + Lane.Count;

    /// <summary>A lock-free look: false only if both lanes seemed empty.</summary>
    public bool MayHaveRequests => Lane.MayHaveItems || Arena.MayHaveMessages;

    /// <summary>A channel counter summed over both lanes' participant records (requests, received and recoveries live in both).</summary>
    public long SumCounter(int counter) => Arena.Participants.SumCounter(counter) + Lane.Participants.SumCounter(counter);

    /// <summary>Blocks a server's attempt on the byte queue's consumer sleepers, examining both lanes between sleeps.</summary>
    public bool WaitAsConsumer<TAttempt>(ref TAttempt attempt, TimeSpan timeout, bool spin, CancellationToken cancellationToken)
        where TAttempt : struct, IWaitAttempt, allows ref struct =>
        Arena.Sleepers.Wait(this, ref attempt, consumerSide: true, timeout, cancellationToken, spin);

    /// <summary>
    /// The arena's lock reports its dead holders itself; the lane is examined with its own participant (its records
    /// are its own table's), so a claim a dead client left in it is resolved within the recovery grace period.
    /// </summary>
    bool IWaitTarget.ExamineWhileWaiting(ThreadParticipant me, bool consumerSide) =>
        ((IWaitTarget)Arena).ExamineWhileWaiting(me, consumerSide) | ((IWaitTarget)Lane).ExamineWhileWaiting(Lane.Participants.Current, consumerSide);

    public void Clear()
    {
        Lane.Clear();
        Arena.Clear();
    }

    /// <summary>Frees both lanes' participant records, then unmaps (the lane first: it lives in the byte queue's mapping).</summary>
    public void Dispose()
    {
        Lane.Dispose();
        Arena.Dispose();
    }
}
