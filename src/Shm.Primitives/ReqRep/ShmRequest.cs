namespace Shm.Primitives;

/// <summary>A request a <see cref="ShmReqRepServer"/> received: its id (to reply with) and its payload, copied out of shared memory.</summary>
/// <param name="Id">Pass to <see cref="ShmReqRepServer.Reply(RequestId, ReadOnlySpan{byte})"/>.</param>
/// <param name="Payload">The request's bytes; owned by the receiver.</param>
public readonly record struct ShmRequest(RequestId Id, ReadOnlyMemory<byte> Payload);

/// <summary>A request a <see cref="ShmReqRepServer{TReq, TResp}"/> received: its id and its value.</summary>
/// <param name="Id">Pass to <see cref="ShmReqRepServer{TReq, TResp}.Reply(RequestId, TResp)"/>.</param>
/// <param name="Value">The request.</param>
public readonly record struct ShmRequest<TReq>(RequestId Id, TReq Value) where TReq : unmanaged;
