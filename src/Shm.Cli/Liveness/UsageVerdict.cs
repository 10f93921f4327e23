using Shm.Cli.Inspection;
using Shm.Primitives;
using Shm.Primitives.Inspection;

namespace Shm.Cli.Liveness;

/// <summary>Whether a segment may be removed by gc, and why, in words the user sees.</summary>
/// <param name="Removable">True only when every kind of evidence says nobody alive uses it.</param>
/// <param name="Reason">What decided it.</param>
internal readonly record struct UsageVerdict(bool Removable, string Reason)
{
    /// <summary>
    /// Judges <paramref name="report"/> conservatively. Kept when any of these holds: a live process maps it or holds it
    /// open (/proc), its own records (participants, subscribers, servers, clients, nodes) name a live process, its
    /// creator still runs, or a process the caller cannot inspect could open it (it runs as the file's owner, or the file
    /// is group/other-accessible; root's uninspectable processes excepted). Liveness is pid plus start time throughout, so a recycled pid never keeps a segment alive or lets one go.
    /// </summary>
    public static UsageVerdict Judge(SegmentReport report, ProcessMappings mappings, uint callerUserId)
    {
        if (report.File is not FileFacts facts)
            return new UsageVerdict(false, "it vanished while gc looked at it");
        if (facts.OwnerId != callerUserId)
            return new UsageVerdict(false, $"it belongs to user {facts.OwnerId}; gc removes only the caller's own segments");

        IReadOnlyCollection<int> mappedBy = mappings.UsersOf(report.Path);
        if (mappedBy.Count > 0)
            return new UsageVerdict(false, $"mapped or open by live process {string.Join(", ", mappedBy)}");

        if (report.Snapshot is SegmentSnapshot snapshot)
        {
            RecordedUser[] live = [.. snapshot.Users.Where(u => u.Alive)];
            if (live.Length > 0)
                return new UsageVerdict(false, "its records name live process " + string.Join(", ", live.Select(u => $"{u.ProcessId} ({u.Role})")));
        }

        SegmentHeaderInfo? header = report.Header;
        if (header is { CreatorProcessId: > 0 } && ProcessIdentity.IsAlive(header.CreatorOwner))
            return new UsageVerdict(false, $"its creator, process {header.CreatorProcessId}, is still running (it may open it again)");

        // A process we may not inspect could use the file if it runs as the file's owner or the file is shared with
        // group or others. Root's own uninspectable processes (a sandbox's init, kernel helpers) are the exception: they
        // could open anything, so counting them would make gc useless for every user; Shm never runs in them unasked.
        UnreadableProcess[] unseen = [.. mappings.Unreadable.Where(p => p.UserId > 0 && (p.UserId == (int)facts.OwnerId || facts.SharedBeyondOwner))];
        if (unseen.Length > 0)
            return new UsageVerdict(false, $"cannot tell whether {unseen.Length} process(es) it is shared with map it (no permission to read their /proc entries, e.g. {unseen[0].ProcessId}); run gc as their user or root");

        string creator = header is { CreatorProcessId: > 0 } ? $"its creator, process {header.CreatorProcessId}, has exited" : "no creator is recorded";
        string users = report.Snapshot is { Users.Count: > 0 } s
            ? "; every process its records name has exited (" + string.Join(", ", s.Users.Select(u => u.ProcessId).Distinct()) + ")"
            : "";
        string state = report.Error is { } error ? $"; it cannot be opened ({ErrorClassifier.StatusOf(error.ExitCode)}: {error.Message})" : "";
        return new UsageVerdict(true, $"no live process maps it; {creator}{users}{state}");
    }
}
