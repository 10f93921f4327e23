using System.Globalization;
using Shm.Primitives.ByteQueue;
using Shm.Primitives.ReqRep;
using Shm.Primitives.Segments;

namespace Shm.Primitives.Inspection;

/// <summary>
/// A segment of any kind opened for inspection: its header validated by the segment layer exactly as the primitive
/// would validate it (magic, version, kind, element type, geometry against the file size, owner), then read without
/// locks. The kind and element type come from the header, so no type argument is needed.
/// </summary>
/// <remarks>
/// Opening maps the file and briefly takes its creation lock (flock), like every opener; inspection writes nothing.
/// Kinds defined outside Shm.Primitives (the transport's node directory) are opened with rules the caller supplies.
/// </remarks>
internal sealed class InspectedSegment : IDisposable
{
    private InspectedSegment(Segment segment, SegmentHeaderInfo header, SegmentLayoutRules rules)
    {
        Segment = segment;
        Header = header;
        Rules = rules;
    }

    /// <summary>The validated mapping.</summary>
    public Segment Segment { get; }

    /// <summary>The header as stored.</summary>
    public SegmentHeaderInfo Header { get; }

    /// <summary>The rules the header was validated with.</summary>
    public SegmentLayoutRules Rules { get; }

    /// <summary>
    /// Opens the segment at <paramref name="path"/> (a bare name resolves in <paramref name="options"/>' directory).
    /// </summary>
    /// <param name="path">A segment name or absolute path.</param>
    /// <param name="options">Directory and owner policy; null for the defaults.</param>
    /// <param name="otherKinds">Rules for kinds Shm.Primitives does not define (SegmentKind.Directory), or null.</param>
    /// <exception cref="FileNotFoundException">Nothing is there.</exception>
    /// <exception cref="InvalidDataException">The file is not a Shm segment, or not a complete one, or of an unknown kind or version.</exception>
    /// <exception cref="ShmCorruptedException">The header's geometry disagrees with the file.</exception>
    /// <exception cref="UnauthorizedAccessException">Another user owns it, or the file cannot be opened for lack of permission.</exception>
    /// <exception cref="IOException">Another I/O error; the message names the call and errno.</exception>
    public static InspectedSegment Open(string path, SegmentOptions? options = null, IReadOnlyDictionary<SegmentKind, SegmentLayoutRules>? otherKinds = null)
    {
        options ??= SegmentOptions.Default;
        string resolved = SegmentName.Resolve(path, options);
        SegmentHeaderInfo? header = SegmentHeaderInfo.TryReadFile(resolved, out _);
        SegmentLayoutRules rules;
        if (header is { HasMagic: true })
        {
            if (header.Kind is not SegmentKind kind)
                throw new InvalidDataException($"'{resolved}' is a Shm segment of unknown kind {header.KindValue.ToString(CultureInfo.InvariantCulture)}; this build knows kinds {string.Join(", ", Enum.GetNames<SegmentKind>())} (is it from a newer Shm?).");
            rules = AnyElementLayoutRules.For(header)
                ?? (otherKinds is not null && otherKinds.TryGetValue(kind, out SegmentLayoutRules? other) ? other : null)
                ?? throw new InvalidDataException($"'{resolved}' is a {kind} segment, which this inspector cannot read.");
        }
        else
        {
            // No readable header, or no magic: any rules do, because the segment layer reports the file's real problem
            // (missing, unreadable, empty, truncated, never or partly initialised, not a segment) before it looks at the kind.
            rules = ShmByteQueueLayoutRules.Instance;
        }

        Segment segment = Segment.Attach(resolved, Segment.AttachMode.OpenExisting, rules, requested: null, options);
        // Re-read the header from the validated mapping: it is what the checks above were made against.
        return new InspectedSegment(segment, ReadMappedHeader(segment), rules);
    }

    /// <summary>
    /// A snapshot of the segment's live state, or null for a kind defined outside Shm.Primitives (the caller reads
    /// those through <see cref="Segment"/>).
    /// </summary>
    public SegmentSnapshot? Snapshot() => Segment.Geometry.Kind switch
    {
        SegmentKind.Queue => QueueInspection.Read(Segment),
        SegmentKind.ByteQueue => ByteQueueInspection.Read(Segment),
        SegmentKind.PubSub => PubSubInspection.ReadTyped(Segment),
        SegmentKind.BytePubSub => PubSubInspection.ReadBytes(Segment),
        SegmentKind.ReqRep => ReqRepInspection.Read(Segment, (ReqRepLayoutRules)Rules),
        _ => null,
    };

    private static unsafe SegmentHeaderInfo ReadMappedHeader(Segment segment) =>
        SegmentHeaderInfo.Parse(new ReadOnlySpan<byte>(segment.Base, SegmentHeaderLayout.Size));

    /// <summary>Unmaps the segment.</summary>
    public void Dispose() => Segment.Dispose();
}
