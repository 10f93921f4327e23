namespace Shm.Primitives;

/// <summary>Every message text of Shm.Primitives, keyed Kind_Reason. Messages say what was seen, the limit and the way out.</summary>
internal static class SR
{
    public const string Name_Empty = "A segment name must not be empty or white space.";
    public const string Name_HasSeparator = "Segment name '{0}' contains a '/'; give a bare name (placed in {1}) or an absolute path.";
    public const string Name_HasDotDot = "Segment name '{0}' contains '..' or is '.', which could escape the segment directory.";
    public const string Name_HasNul = "Segment name contains a NUL character.";
    public const string Name_TooLong = "Segment name '{0}' is {1} bytes long; a file name may be at most {2} bytes.";
    public const string Segment_NotFound = "Segment '{0}' does not exist.";
    public const string Segment_Exists = "Segment '{0}' already exists; use OpenExisting or CreateOrOpen to attach to it.";
    public const string Segment_NotRegularFile = "Segment '{0}' is a {1}, not a regular file or memfd.";
    public const string Segment_ForeignOwner = "Segment '{0}' is owned by user {1}, not by this process's user {2}; set SegmentOptions.AllowForeignOwner to open it anyway.";
    public const string Segment_Truncated = "Segment '{0}' is {1} bytes long, smaller than the {2}-byte header; it is truncated or not a Shm segment.";
    public const string Segment_TruncatedWhileMapped = "Segment '{0}' was truncated to {1} bytes by another process while mapped ({2} bytes); its contents are lost. Its size was put back so no process faults on it; remove it (Unlink) and create it again.";
    public const string Segment_TruncatedElsewhere = "Segment '{0}' was truncated by another process while mapped ({1} bytes), and a process using it put its size back; its contents are lost. Remove it (Unlink) and create it again.";
    public const string Segment_TruncatedOnOpen = "Segment '{0}' was truncated while in use and its size put back, so its contents are lost; remove it (Unlink) and create it again.";
    public const string Segment_NotASegment = "'{0}' is not a Shm segment (its first 8 bytes are {1}, expected the magic {2}).";
    public const string Segment_PartlyWritten = "Segment '{0}' was only partly initialised (its creator died during creation); remove it (Unlink) and create it again.";
    public const string Segment_NeverInitialised = "Segment '{0}' was never initialised (its creation was interrupted); open it with CreateOrOpen to finish it, or remove it.";
    public const string Segment_VersionMismatch = "Segment '{0}' has layout version {1}; this build reads version {2}.";
    public const string Segment_KindMismatch = "Segment '{0}' is a {1} segment, not a {2} segment.";
    public const string Segment_ElementMismatch = "Segment '{0}' was created for elements of type '{1}' ({2} bytes); {3} needs '{4}' ({5} bytes).";
    public const string Segment_SizeMismatch = "Segment '{0}' is corrupt: its header says {1} bytes, its geometry needs {2} bytes and the file is {3} bytes.";
    public const string Segment_FieldInvalid = "Segment '{0}' is corrupt: {1} is {2}; expected {3}.";
    public const string Io_Failed = "{0} failed for segment '{1}': {2} (errno {3}).";
    public const string Wait_NegativeTimeout = "timeout is {0}; it must be TimeSpan.Zero or positive, or Timeout.InfiniteTimeSpan.";
    public const string Queue_NoEventFd = "This queue has no eventfd; call EnableEventFd or AttachEventFd first.";
    public const string ReqRep_NoFreeSlot = "ShmReqRep '{0}' had no free response slot (all {1} in flight) within {2}.";
    public const string ReqRep_QueueFull = "ShmReqRep '{0}' request queue stayed full for {1}: {2} requests queued, its capacity is {3}. Servers make room as they take requests.";
    public const string ReqRep_LaneFull = "ShmReqRep '{0}' short-request lane (requests of up to {1} bytes) stayed full for {2}: {3} requests queued, its capacity is {4} (the request capacity or the response slots rounded up to a power of two, whichever is smaller), and {5} requests wait for a server. Servers make room as they take requests.";
    public const string ReqRep_LaneAndArenaFull = "ShmReqRep '{0}' short-request lane (requests of up to {1} bytes, capacity {2}) stayed full for {3}, and the arena queue it overflows into had no room either: {4} requests queued there, its capacity is {5} requests and {6} bytes. Servers make room as they take requests.";
    public const string ReqRep_ArenaFull = "ShmReqRep '{0}' arena queue (requests over {1} bytes) stayed full for {2}: {3} requests queued, its capacity is {4} requests and {5} bytes. Servers make room as they take requests.";
    public const string Participants_Full = "Segment '{0}' has all {1} participant records in use by live threads; dispose unused instances or use fewer threads per instance.";
}
