using System.Text;

namespace Shm.Primitives.Segments;

/// <summary>
/// Turns what a user calls a segment into a file path. A bare name lands in the options' directory; an
/// absolute path is taken as is. Anything that could escape the directory ('/', '..', NUL) is refused.
/// </summary>
internal static class SegmentName
{
    private const int MaxFileNameBytes = 255;

    public static string Resolve(string name, SegmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException(SR.Name_Empty, nameof(name));
        if (name.Contains('\0'))
            throw new ArgumentException(SR.Name_HasNul, nameof(name));

        if (name.StartsWith('/'))
        {
            foreach (string part in name.Split('/'))
            {
                if (part is ".." or ".")
                    throw new ArgumentException(ThrowHelper.Format(SR.Name_HasDotDot, name), nameof(name));
            }
            return name;
        }

        if (name.Contains('/'))
            throw new ArgumentException(ThrowHelper.Format(SR.Name_HasSeparator, name, options.Directory), nameof(name));
        if (name is "." or ".." || name.Contains(".."))
            throw new ArgumentException(ThrowHelper.Format(SR.Name_HasDotDot, name), nameof(name));
        int bytes = Encoding.UTF8.GetByteCount(name);
        if (bytes > MaxFileNameBytes)
            throw new ArgumentException(ThrowHelper.Format(SR.Name_TooLong, name, bytes, MaxFileNameBytes), nameof(name));
        return Path.Combine(options.Directory, name);
    }

    /// <summary>/proc/&lt;pid&gt;/fd/&lt;n&gt; is a magic link to a descriptor: opening it must follow the link.</summary>
    public static bool IsDescriptorLink(string path) =>
        path.StartsWith("/proc/", StringComparison.Ordinal) && path.Contains("/fd/", StringComparison.Ordinal);
}
