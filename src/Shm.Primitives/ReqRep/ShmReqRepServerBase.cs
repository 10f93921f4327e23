using Shm.Primitives.Participants;
using Shm.Primitives.ReqRep;
using Shm.Primitives.Segments;

namespace Shm.Primitives;

/// <summary>
/// The server half of a request/response channel: registration (clients learn within milliseconds when the last
/// server died), replies into response slots and Clear, shared by <see cref="ShmReqRepServer"/> and
/// <see cref="ShmReqRepServer{TReq, TResp}"/>.
/// </summary>
/// <remarks>
/// A server instance may be used by many threads (each receives and replies independently). Disposing it fails the
/// requests it took and has not answered, so their clients stop waiting at once.
/// </remarks>
public abstract class ShmReqRepServerBase : ShmReqRepEndpoint
{
    private protected ShmReqRepServerBase(Segment segment, in ReqRepGeometry geometry, IDisposable queue, ParticipantTable participants)
        : base(segment, geometry, queue, participants)
    {
        // Dead servers' records are freed (failing what they took) before ours is claimed.
        Slots.Members.ReapDeadServers(index => Slots.FailTakenBy(index));
        ServerIndex = Slots.Members.RegisterServer();
    }

    /// <summary>This instance's record (1-based) in the segment's server table.</summary>
    private protected int ServerIndex { get; }

    /// <summary>Writes a response of raw bytes into the request's slot and wakes its client.</summary>
    /// <summary>
    /// Takes a request that reached this server another way than the channel's queue (its client reserved the slot
    /// with <see cref="ShmReqRepClientBase{TResponse}.TryReserve"/>): its slot is marked taken by this server, so the
    /// reply can be written and the client learns of this server's death as for a queued request.
    /// </summary>
    /// <returns>False when the id is not a pending request (its client gave up, or it is stale): do not serve it.</returns>
    public bool TryAccept(RequestId id)
    {
        ThrowIfUnusable();
        return Slots.TryMarkTaken(id.Value, ServerIndex);
    }

    private protected bool ReplyCore(RequestId id, ReadOnlySpan<byte> response, string paramName)
    {
        ThrowIfUnusable();
        Slots.Validate(id);
        if (response.Length > Slots.ResponseBytes)
            throw new ArgumentException($"The response is {response.Length} bytes; ShmReqRep '{Name}' response slots hold at most {Slots.ResponseBytes} bytes. The request is still pending (its client can cancel it).", paramName);
        if (Slots.Reply(id, ServerIndex, response))
        {
            Count(ReqRepCounter.Replies);
            return true;
        }
        Count(ReqRepCounter.StaleReplies);
        return false;
    }

    /// <summary>
    /// Removes every queued request and frees every response slot: waiting clients see their requests as stale
    /// (<see cref="ShmStaleRequestException"/>), replies to earlier ids are rejected.
    /// </summary>
    public void Clear()
    {
        ThrowIfUnusable();
        ClearQueue();
        Slots.ClearAll();
    }

    private protected abstract void ClearQueue();

    /// <summary>Counts requests dropped at receive because their client had given up on them.</summary>
    private protected void CountStale(int dropped)
    {
        if (dropped > 0)
            Count(ReqRepCounter.StaleReplies, dropped);
    }

    private protected override void Unregister()
    {
        Slots.FailTakenBy(ServerIndex);
        Slots.Members.UnregisterServer(ServerIndex);
    }
}
