namespace Shm.Primitives;

/// <summary>
/// A shared-memory segment holds a value that no correct Shm process writes: an index out of range, a
/// header that disagrees with the file, a state that cannot occur. Shm checks every value it reads from a
/// segment before using it, so this exception replaces what would otherwise be a crash or an access outside
/// the mapping. The segment should be removed and recreated.
/// </summary>
public sealed class ShmCorruptedException : Exception
{
    /// <summary>Creates the exception with a message naming the segment, the field and the value seen.</summary>
    public ShmCorruptedException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that revealed the corruption.</summary>
    public ShmCorruptedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
