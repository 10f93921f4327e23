using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Shm.Primitives.Interop;
using H = Shm.Primitives.Segments.SegmentHeaderLayout;

namespace Shm.Primitives.Segments;

/// <summary>
/// Answers the truncation of a file-backed segment under its users. Linux sends SIGBUS to a process that touches
/// a page of a shared mapping past the end of its file, and .NET turns that into a fatal AccessViolationException,
/// so one stray <c>truncate</c> would end every process using the segment. Each process watches the files it has
/// mapped with inotify (one thread, asleep in read(2) until an event). When a file shrinks, the guard grows it
/// straight back with ftruncate, so the pages exist again (zeroed: the contents are lost) and every process that
/// maps it reads zeros instead of faulting, and marks the segment truncated so its operations throw
/// <see cref="ShmCorruptedException"/> saying what happened.
/// </summary>
/// <remarks>
/// What it cannot do: a process that touches the lost pages between the truncation and the regrow (the time the
/// inotify event takes to wake this thread, tens of microseconds) still faults. Only memfd segments, sealed
/// against shrinking, exclude that. A write into the mapping raises no inotify event, so the thread sleeps while
/// the segments are used; IN_MODIFY comes from truncate/ftruncate/write(2) on the file, which Shm never does
/// except here.
/// </remarks>
internal static unsafe class SegmentTruncationGuard
{
    private const uint InModify = 0x2;
    private const uint InQueueOverflow = 0x4000;
    private const int EventHeaderBytes = 16; // struct inotify_event: wd, mask, cookie, len, then the name
    private const int BufferBytes = 4096;

    private static readonly Lock s_lock = new();
    private static readonly Dictionary<int, List<Segment>> s_segmentsByWatch = new();
    private static readonly Dictionary<Segment, (int Watch, int Descriptor)> s_watched = new(ReferenceEqualityComparer.Instance);
    private static int s_inotify = -1;
    private static long s_truncations;

    /// <summary>Truncations this process has seen and repaired.</summary>
    public static long Truncations => Interlocked.Read(ref s_truncations);

    /// <summary>
    /// Watches <paramref name="segment"/>'s file through <paramref name="fd"/>. On true the segment owns the
    /// descriptor (closes it on dispose); on false (the kernel refused a watch, e.g. the per-user watch limit)
    /// the caller keeps it and the segment is unguarded.
    /// </summary>
    public static bool Watch(Segment segment, int fd)
    {
        lock (s_lock)
        {
            if (s_inotify < 0 && !TryStart())
                return false;
            // Through the descriptor, not the path: the path may already name another file.
            int watch = Libc.InotifyAddWatch(s_inotify, "/proc/self/fd/" + fd.ToString(System.Globalization.CultureInfo.InvariantCulture), InModify);
            if (watch < 0)
                return false;
            if (!s_segmentsByWatch.TryGetValue(watch, out List<Segment>? segments))
                s_segmentsByWatch[watch] = segments = new List<Segment>(1);
            segments.Add(segment);
            s_watched[segment] = (watch, fd);
            segment.KeepGuardedDescriptor(fd);
            return true;
        }
    }

    /// <summary>Stops watching a segment being disposed; after it returns the guard never touches its descriptor.</summary>
    public static void Forget(Segment segment)
    {
        lock (s_lock)
        {
            if (!s_watched.Remove(segment, out (int Watch, int Descriptor) entry))
                return;
            List<Segment> segments = s_segmentsByWatch[entry.Watch];
            segments.Remove(segment);
            if (segments.Count == 0)
            {
                s_segmentsByWatch.Remove(entry.Watch);
                Libc.InotifyRmWatch(s_inotify, entry.Watch);
            }
        }
    }

    private static bool TryStart()
    {
        int inotify = Libc.InotifyInit1(Libc.IN_CLOEXEC);
        if (inotify < 0)
            return false;
        s_inotify = inotify;
        var thread = new Thread(() => Run(inotify)) { IsBackground = true, Name = "Shm segment truncation guard" };
        thread.UnsafeStart();
        return true;
    }

    private static void Run(int inotify)
    {
        Prepare();
        byte* buffer = (byte*)NativeMemory.Alloc(BufferBytes);
        while (true)
        {
            nint read = Libc.Read(inotify, buffer, BufferBytes);
            if (read <= 0)
            {
                if (read < 0 && Libc.LastError == Libc.EINTR)
                    continue;
                return; // the descriptor is never closed, so this does not happen
            }
            for (nint offset = 0; offset + EventHeaderBytes <= read;)
            {
                int watch = *(int*)(buffer + offset);
                uint mask = *(uint*)(buffer + offset + 4);
                uint nameBytes = *(uint*)(buffer + offset + 12);
                offset += EventHeaderBytes + (nint)nameBytes;
                if ((mask & InQueueOverflow) != 0)
                    CheckAll();
                else if ((mask & InModify) != 0)
                    Check(watch);
            }
        }
    }

    /// <summary>
    /// Compiles the repair path before the first event: every process that maps a truncated file faults until the
    /// size is back, so the first repair must not wait for the JIT (milliseconds on a busy machine).
    /// </summary>
    private static void Prepare()
    {
        const BindingFlags Static = BindingFlags.Static | BindingFlags.NonPublic;
        RuntimeHelpers.PrepareMethod(typeof(SegmentTruncationGuard).GetMethod(nameof(Check), Static)!.MethodHandle);
        RuntimeHelpers.PrepareMethod(typeof(SegmentTruncationGuard).GetMethod(nameof(CheckAll), Static)!.MethodHandle);
        RuntimeHelpers.PrepareMethod(typeof(SegmentTruncationGuard).GetMethod(nameof(CheckSize), Static)!.MethodHandle);
        RuntimeHelpers.PrepareMethod(typeof(Segment).GetMethod(nameof(Segment.MarkTruncated), BindingFlags.Instance | BindingFlags.NonPublic)!.MethodHandle);
        // Calls on an invalid descriptor (EBADF) run the interop stubs once, binding the libc symbols.
        FileStatus.TryGet(-1, out _, out _);
        Libc.FTruncate(-1, 0);
        Libc.FAllocate(-1, 0, 0, 0);
    }

    private static void Check(int watch)
    {
        Segment[] segments;
        lock (s_lock)
        {
            if (!s_segmentsByWatch.TryGetValue(watch, out List<Segment>? list))
                return;
            segments = list.ToArray();
        }
        foreach (Segment segment in segments)
            CheckSize(segment);
    }

    private static void CheckAll()
    {
        Segment[] segments;
        lock (s_lock)
            segments = s_watched.Keys.ToArray();
        foreach (Segment segment in segments)
            CheckSize(segment);
    }

    /// <summary>
    /// Repairs a shrunk file, or learns from the header that another process already did. Whoever repairs leaves
    /// the magic invalid before the size is whole again (the truncation marker written first while the header
    /// page survives, or the zeroed page itself until the marker follows), so a process that finds the size
    /// whole and the magic valid knows nothing was lost.
    /// </summary>
    private static void CheckSize(Segment segment)
    {
        long observed;
        lock (s_lock)
        {
            // Under the lock: Forget (from Dispose) waits, so the descriptor and the mapping stay valid while used.
            if (!s_watched.TryGetValue(segment, out (int Watch, int Descriptor) entry))
                return;
            if (!FileStatus.TryGet(entry.Descriptor, out FileStatus status, out _))
                return;
            ulong* magic = (ulong*)segment.Base;
            if (status.Size >= segment.Length)
            {
                if (Volatile.Read(ref *magic) == H.Magic)
                    return; // a write(2) or a grow, or a truncation to the same size: nothing lost
                observed = -1; // repaired by another process: the size it saw is unknown here
            }
            else
            {
                observed = status.Size;
                bool headerSurvived = observed > 0; // the page holding offset 0 survives any non-empty size
                if (headerSurvived)
                    Volatile.Write(ref *magic, H.TruncatedMagic);
                // Grow it back at once: every process that maps it faults until the pages exist again.
                Libc.FTruncate(entry.Descriptor, segment.Length);
                Libc.FAllocate(entry.Descriptor, 0, 0, segment.Length);
                if (!headerSurvived)
                    Volatile.Write(ref *magic, H.TruncatedMagic);
            }
            Interlocked.Increment(ref s_truncations);
            // Still under the lock: marking wakes the segment's sleepers through words in its mapping, and a user
            // woken by another process's guard may be disposing the segment right now. Its Dispose marks it
            // disposed (so this marks nothing), then waits in Forget for this lock before it unmaps.
            segment.MarkTruncated(observed);
        }
    }
}
