using System.Globalization;

namespace Shm.Chaos;

/// <summary>
/// Truncation of live file-backed segments. Each round makes two segments of the kind: one with an idle user asleep in
/// a blocking receive, one with a busy user operating flat out (the corruption campaign's user), and truncates both
/// files at once to a random size. Then it checks what the segment guard promises: the idle user is told
/// (ShmCorruptedException) and its file has its size back; the busy user either is told (and its file has its size
/// back) or, if it touched a lost page before its guard grew the file back, dies of the fault (counted: the
/// documented window; nobody is left to grow that file back); nobody hangs or meets another exception.
/// Restored counts the files grown back, out of the idle files plus the busy files whose user survived.
/// </summary>
public sealed class TruncationCampaign(string workDirectory, Action<string> report)
{
    private static readonly TimeSpan s_settle = TimeSpan.FromSeconds(30);

    public TruncationRow Run(string kind, int rounds, int seed)
    {
        var random = new Random(seed);
        var errors = new List<string>();
        int idleTold = 0, idleFaulted = 0, busyTold = 0, busyFaulted = 0, restored = 0;
        for (int round = 0; round < rounds; round++)
        {
            string idleName = KillCampaign.NewSegmentName("trunc-idle-" + kind);
            string busyName = KillCampaign.NewSegmentName("trunc-busy-" + kind);
            string idlePath = Path.Combine("/dev/shm", idleName), busyPath = Path.Combine("/dev/shm", busyName);
            string counters = Path.Combine(workDirectory, $"{busyName}.counters");
            try
            {
                CorruptionCampaign.Create(kind, idleName);
                CorruptionCampaign.Create(kind, busyName);
                long length = new FileInfo(idlePath).Length;
                using ChaosProcess idle = ChaosProcess.Start(null, "waiter", kind, idleName);
                using ChaosProcess busy = ChaosProcess.Start(null, "user", kind, busyName, random.Next().ToString(CultureInfo.InvariantCulture), counters);
                if (idle.ReadLine(TimeSpan.FromSeconds(60)) != "ready" || busy.ReadLine(TimeSpan.FromSeconds(60)) != "ready")
                {
                    errors.Add($"{kind}: a user did not start: {idle.StandardError.Trim()} {busy.StandardError.Trim()}");
                    break;
                }
                WaitForOperations(counters);
                Thread.Sleep(random.Next(20, 200)); // picks the moment of the busy user's workload the truncation hits
                if (!WaitUntilAsleep(idle.Pid))
                {
                    errors.Add($"{kind}: the idle user never went to sleep: {idle.StandardError.Trim()}");
                    break;
                }
                long size = PickSize(random, length);
                Truncate(idlePath, size);
                Truncate(busyPath, size);

                switch (idle.WaitForExit(s_settle))
                {
                    case 0:
                        idleTold++;
                        break;
                    case > 128:
                        idleFaulted++;
                        break;
                    case null:
                        errors.Add($"{kind}: the idle user was never told (still waiting {s_settle.TotalSeconds} s after the truncation)");
                        break;
                    default:
                        errors.Add($"{kind}: the idle user ended with {idle.ReadLine(TimeSpan.FromSeconds(1))}: {idle.StandardError.Trim()}");
                        break;
                }
                // The idle user's guard grows its file back (the idle user is told only after that).
                if (WaitForSize(idlePath, length))
                    restored++;
                else
                    errors.Add($"{kind}: the idle user's file did not get its size back");
                try
                {
                    busy.Send("quit");
                }
                catch (IOException)
                {
                    // it has died already (faulted): its exit code says so below
                }
                switch (busy.WaitForExit(s_settle))
                {
                    case 0 when SharedCounters.Read(counters)[SharedCounters.Exceptions] > 0:
                        busyTold++;
                        // Not an error when it stays short: the busy user reopens its segment every few hundred
                        // operations, and a file truncated while none of its handles was mapped is refused on open
                        // (told) with no guard watching it to grow it back.
                        if (new FileInfo(busyPath).Length == length)
                            restored++;
                        break;
                    case > 128:
                        busyFaulted++;
                        break;
                    case null:
                        errors.Add($"{kind}: the busy user hung after the truncation");
                        break;
                    case var code:
                        errors.Add($"{kind}: the busy user ended with {code} without being told: {busy.StandardError.Trim()}");
                        break;
                }
            }
            finally
            {
                Shm.Primitives.Segments.Segment.Unlink(idleName, null);
                Shm.Primitives.Segments.Segment.Unlink(busyName, null);
            }
        }
        var row = new TruncationRow(kind, rounds, restored, idleTold, idleFaulted, busyTold, busyFaulted, errors);
        report($"  {kind,-12} truncations {rounds,4}  restored {restored,4}  idle told {idleTold,4}  idle faulted {idleFaulted,3}  busy told {busyTold,4}  busy faulted {busyFaulted,3}{(errors.Count > 0 ? "  ERROR " + errors[0] : "")}");
        return row;
    }

    /// <summary>Nothing at all, one page (the header survives), half, or all but the last page.</summary>
    private static long PickSize(Random random, long length) => random.Next(4) switch
    {
        0 => 0,
        1 => Environment.SystemPageSize,
        2 => length / 2,
        _ => length - Environment.SystemPageSize,
    };

    /// <summary>truncate(2) by path, as a stray process would (a FileStream would also take .NET's advisory flock).</summary>
    private static void Truncate(string path, long size)
    {
        if (Primitives.Interop.Libc.Truncate(path, size) != 0)
            throw new IOException($"truncate {path}: errno {Primitives.Interop.Libc.LastError}");
    }

    private static void WaitForOperations(string counters)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (SharedCounters.Read(counters)[SharedCounters.Operations] < 100 && DateTime.UtcNow < deadline)
            Thread.Sleep(5);
    }

    /// <summary>
    /// Waits until the idle user's main thread (tid = pid), which runs its blocking receive, sleeps in the kernel on a
    /// futex: a truncation then finds it asleep, not touching the segment. True when it does; also when the kernel does
    /// not say where the thread waits (wchan unreadable), which leaves the outcome to chance as before.
    /// </summary>
    private static bool WaitUntilAsleep(int pid)
    {
        string wchan = $"/proc/{pid}/task/{pid}/wchan";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            string where;
            try
            {
                where = File.ReadAllText(wchan);
            }
            catch (IOException)
            {
                return false; // exited
            }
            catch (UnauthorizedAccessException)
            {
                return true;
            }
            if (where.Contains("futex", StringComparison.Ordinal))
                return true;
            Thread.Sleep(1); // poll interval; the condition is what is waited for
        }
        return false;
    }

    private static bool WaitForSize(string path, long length)
    {
        var deadline = DateTime.UtcNow + s_settle;
        while (new FileInfo(path).Length != length)
        {
            if (DateTime.UtcNow > deadline)
                return false;
            Thread.Sleep(5);
        }
        return true;
    }
}

/// <summary>One row of the truncation table.</summary>
public sealed record TruncationRow(string Kind, int Truncations, int Restored, int IdleTold, int IdleFaulted, int BusyTold, int BusyFaulted, IReadOnlyList<string> Errors);
