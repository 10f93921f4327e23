namespace Shm.Primitives;

/// <summary>
/// A request of a ShmReqRep channel cannot be answered: the server that took it died (or was disposed) before
/// replying, or every server registered on the channel is gone and the last one died. Raised within
/// milliseconds of the death, not at the caller's timeout. The response slot is already freed.
/// </summary>
public sealed class ShmServerUnavailableException : IOException
{
    /// <summary>Creates the exception with a message naming the channel and what happened.</summary>
    public ShmServerUnavailableException(string message) : base(message)
    {
    }
}

/// <summary>
/// A <see cref="RequestId"/> no longer names a live request of its channel: it was cancelled, already read,
/// abandoned at a timeout, or its slot was cleared (<c>Clear</c>) and possibly reused. Nothing was read or changed.
/// </summary>
public sealed class ShmStaleRequestException : InvalidOperationException
{
    /// <summary>Creates the exception with a message naming the channel and the id.</summary>
    public ShmStaleRequestException(string message) : base(message)
    {
    }
}
