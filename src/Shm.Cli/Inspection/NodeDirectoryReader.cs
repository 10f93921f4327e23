using System.Text;
using Shm.Primitives;
using Shm.Primitives.Segments;
using L = Shm.Node.Membership.NodeDirectoryLayout;

namespace Shm.Cli.Inspection;

/// <summary>
/// Reads a node directory segment (see NodeDirectoryLayout in Shm.Transport) without its lock, so a stopped joiner
/// cannot hang the inspector. The scan is repeated while the directory's change sequence moves under it (a join or
/// leave in between); a record is accepted only if its state reads "up" before and after its fields are copied and every
/// length is in range, as the transport itself treats a corrupt record as free.
/// </summary>
internal static unsafe class NodeDirectoryReader
{
    private const int ConsistentScanAttempts = 4;

    /// <summary>The nodes listed in <paramref name="directory"/> (validated by the segment layer), dead holders included.</summary>
    public static List<NodeRecord> Read(Segment directory)
    {
        ref uint changeSequence = ref *(uint*)(directory.Base + L.ChangeSequenceOffset);
        List<NodeRecord> nodes = [];
        for (int attempt = 0; attempt < ConsistentScanAttempts; attempt++)
        {
            uint before = Volatile.Read(ref changeSequence);
            nodes = Scan(directory);
            if (Volatile.Read(ref changeSequence) == before)
                break; // no join or leave completed during the scan; otherwise the last attempt's view is still per-record sound
        }
        return nodes;
    }

    private static List<NodeRecord> Scan(Segment directory)
    {
        var nodes = new List<NodeRecord>();
        long records = directory.Geometry.Capacity;
        for (long i = 0; i < records; i++)
        {
            byte* record = directory.Base + L.RecordsOffset + i * L.RecordSize;
            if (TryRead(record) is NodeRecord node)
                nodes.Add(node);
        }
        return nodes;
    }

    private static NodeRecord? TryRead(byte* record)
    {
        ref uint state = ref *(uint*)(record + L.StateOffset);
        if (Volatile.Read(ref state) != L.StateUp)
            return null;
        uint nameLength = Volatile.Read(ref *(uint*)(record + L.NameLengthOffset));
        uint inboxLength = Volatile.Read(ref *(uint*)(record + L.InboxNameLengthOffset));
        if (nameLength is 0 or > L.MaxNameBytes || inboxLength is 0 or > L.MaxInboxNameBytes)
            return null;
        string name = Encoding.UTF8.GetString(record + L.NameOffset, (int)nameLength);
        string inbox = Encoding.UTF8.GetString(record + L.InboxNameOffset, (int)inboxLength);
        ulong owner = Volatile.Read(ref *(ulong*)(record + L.OwnerOffset));
        long incarnation = Volatile.Read(ref *(long*)(record + L.IncarnationOffset));
        // A join rewrites a record by first setting it free: still "up" now means the fields above belong together.
        if (Volatile.Read(ref state) != L.StateUp)
            return null;
        return new NodeRecord(name, ProcessIdentity.PidOf(owner), ProcessIdentity.StartTimeOf(owner), incarnation, inbox, ProcessIdentity.IsAlive(owner));
    }
}
