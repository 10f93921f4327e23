namespace Shm.Primitives.Segments;

/// <summary>
/// What a primitive expects of its segment: the header fields that define the layout. A creator writes them;
/// an opener compares them with the header (kind, version and element type must match; capacity and the
/// parameters come from the header when the opener does not know them).
/// </summary>
internal readonly record struct SegmentGeometry(
    SegmentKind Kind,
    uint Version,
    ElementType Element,
    long Capacity,
    long Parameter1,
    long Parameter2,
    long TotalSize);

/// <summary>The element type of a typed segment: size, a stable tag, and a name for messages.</summary>
internal readonly record struct ElementType(int Size, uint Tag, string Name)
{
    public static ElementType None => new(0, 0, "(bytes)");

    public static ElementType Of<T>() where T : unmanaged
    {
        Type type = typeof(T);
        string name = type.FullName ?? type.Name;
        return new ElementType(System.Runtime.CompilerServices.Unsafe.SizeOf<T>(), Fnv1a(name), name);
    }

    private static uint Fnv1a(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash ^= c;
            hash *= 16777619;
        }
        return hash;
    }
}
