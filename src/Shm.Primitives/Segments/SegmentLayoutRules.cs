namespace Shm.Primitives.Segments;

/// <summary>
/// What the segment layer needs to know about one kind of segment to create, validate and initialise it.
/// Each primitive has one (next to its Layout class); the segment layer holds none of their offsets.
/// </summary>
internal abstract unsafe class SegmentLayoutRules
{
    public abstract SegmentKind Kind { get; }

    public abstract uint Version { get; }

    /// <summary>The element type the caller expects (ElementType.None for untyped kinds).</summary>
    public abstract ElementType Element { get; }

    /// <summary>Human name of the primitive and its type for messages ("ShmQueue&lt;Int64&gt;").</summary>
    public abstract string DisplayName { get; }

    /// <summary>
    /// The bytes a segment with this geometry needs, or -1 if the capacity or parameters are impossible for
    /// the kind (then the header is corrupt).
    /// </summary>
    public abstract long ComputeTotalSize(long capacity, long parameter1, long parameter2);

    /// <summary>Describes what <see cref="ComputeTotalSize"/> accepts, for the corruption message.</summary>
    public abstract string DescribeValidGeometry();

    /// <summary>
    /// Writes the kind's own areas of a zero-filled mapping. Runs under the creation lock before the magic is
    /// published, so nothing else reads the segment yet.
    /// </summary>
    public abstract void Initialize(byte* segmentBase, in SegmentGeometry geometry);
}
