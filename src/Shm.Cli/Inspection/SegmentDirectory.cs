namespace Shm.Cli.Inspection;

/// <summary>The entries of a segment directory (not recursive: segments never live in subdirectories).</summary>
internal static class SegmentDirectory
{
    /// <summary>Absolute paths of the directory's non-directory entries, sorted by name.</summary>
    /// <exception cref="CliException">The directory does not exist, is not a directory, or cannot be read.</exception>
    public static List<string> Entries(string directory)
    {
        string full = Path.GetFullPath(directory);
        if (!Directory.Exists(full))
        {
            throw File.Exists(full)
                ? new CliException(ExitCodes.Usage, $"'{full}' is a file, not a directory; use 'shm stat' for one segment.")
                : new CliException(ExitCodes.NotFound, $"Directory '{full}' does not exist.");
        }
        try
        {
            var entries = new List<string>();
            foreach (string entry in Directory.EnumerateFileSystemEntries(full))
            {
                if (!Directory.Exists(entry))
                    entries.Add(entry);
            }
            entries.Sort(StringComparer.Ordinal);
            return entries;
        }
        catch (UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.PermissionDenied, $"Directory '{full}' cannot be read: permission denied.");
        }
    }
}
