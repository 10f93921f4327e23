using System.Globalization;

namespace Shm.Cli.Liveness;

/// <summary>
/// Which processes map or hold open which files, as the kernel reports it in /proc/&lt;pid&gt;/maps and /proc/&lt;pid&gt;/fd.
/// This is the authority on "does a live process use this segment": a process that opened a segment but never used it
/// holds no record inside it, yet its mapping is listed here.
/// </summary>
/// <remarks>
/// Only processes whose /proc entries the caller may read are seen (its own user's, or all as root); the others are
/// listed in <see cref="Unreadable"/> with their user id so callers can stay conservative about them. A file unlinked
/// and recreated under the same name is told apart: the kernel marks the old one "(deleted)".
/// </remarks>
internal sealed class ProcessMappings
{
    private const string DeletedSuffix = " (deleted)";
    private const int MapsFieldsBeforePath = 5; // address, perms, offset, dev, inode

    private readonly Dictionary<string, SortedSet<int>> _usersByPath;

    private ProcessMappings(Dictionary<string, SortedSet<int>> usersByPath, IReadOnlyList<UnreadableProcess> unreadable)
    {
        _usersByPath = usersByPath;
        Unreadable = unreadable;
    }

    /// <summary>Processes whose maps and descriptors could not be read (no permission), with their real user id.</summary>
    public IReadOnlyList<UnreadableProcess> Unreadable { get; }

    /// <summary>The pids that map or hold open <paramref name="path"/> (an absolute path), in ascending order.</summary>
    public IReadOnlyCollection<int> UsersOf(string path) =>
        _usersByPath.TryGetValue(path, out SortedSet<int>? pids) ? pids : [];

    /// <summary>
    /// Scans every process for mappings and descriptors of files under <paramref name="directory"/> (only those are kept).
    /// The calling process is included: a test or a tool that holds a segment is a user like any other.
    /// </summary>
    public static ProcessMappings Scan(string directory)
    {
        string prefix = directory.TrimEnd('/') + "/";
        var usersByPath = new Dictionary<string, SortedSet<int>>(StringComparer.Ordinal);
        var unreadable = new List<UnreadableProcess>();
        foreach (string entry in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                continue;
            try
            {
                foreach (string line in File.ReadLines(entry + "/maps"))
                {
                    string? path = MappedPath(line);
                    if (path is not null && path.StartsWith(prefix, StringComparison.Ordinal))
                        Add(usersByPath, path, pid);
                }
                foreach (string descriptor in System.IO.Directory.EnumerateFileSystemEntries(entry + "/fd"))
                {
                    string? target = LinkTarget(descriptor);
                    if (target is not null && target.StartsWith(prefix, StringComparison.Ordinal) && !target.EndsWith(DeletedSuffix, StringComparison.Ordinal))
                        Add(usersByPath, target, pid);
                }
            }
            catch (UnauthorizedAccessException)
            {
                unreadable.Add(new UnreadableProcess(pid, RealUserOf(pid)));
            }
            catch (IOException)
            {
                // The process exited while we read it: it uses nothing any more.
            }
        }
        return new ProcessMappings(usersByPath, unreadable);
    }

    /// <summary>The file a /proc/&lt;pid&gt;/maps line maps, or null for anonymous memory and files since deleted.</summary>
    internal static string? MappedPath(string line)
    {
        int index = 0;
        for (int field = 0; field < MapsFieldsBeforePath; field++)
        {
            while (index < line.Length && line[index] == ' ')
                index++;
            while (index < line.Length && line[index] != ' ')
                index++;
        }
        while (index < line.Length && line[index] == ' ')
            index++;
        if (index >= line.Length || line[index] != '/')
            return null;
        string path = line[index..];
        return path.EndsWith(DeletedSuffix, StringComparison.Ordinal) ? null : path;
    }

    private static string? LinkTarget(string descriptor)
    {
        try
        {
            return new FileInfo(descriptor).LinkTarget;
        }
        catch (IOException)
        {
            return null; // closed while we looked
        }
    }

    private static void Add(Dictionary<string, SortedSet<int>> usersByPath, string path, int pid)
    {
        if (!usersByPath.TryGetValue(path, out SortedSet<int>? pids))
            usersByPath[path] = pids = [];
        pids.Add(pid);
    }

    /// <summary>The real uid from /proc/&lt;pid&gt;/status (readable by everyone), or -1 if the process is gone.</summary>
    private static int RealUserOf(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/status"))
            {
                if (!line.StartsWith("Uid:", StringComparison.Ordinal))
                    continue;
                string[] ids = line[4..].Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
                return ids.Length > 0 && int.TryParse(ids[0], NumberStyles.None, CultureInfo.InvariantCulture, out int uid) ? uid : -1;
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return -1;
    }
}

/// <summary>A process the caller may not inspect, and the user it runs as (-1 if it could not be read either).</summary>
internal readonly record struct UnreadableProcess(int ProcessId, int UserId);
