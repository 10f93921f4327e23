using System.Text;
using Shm.Primitives;
using Shm.Primitives.Segments;
using Shm.Primitives.Threading;
using L = Shm.Node.Membership.NodeDirectoryLayout;

namespace Shm.Node.Membership;

/// <summary>One node as the directory lists it.</summary>
internal readonly record struct NodeEntry(int Index, string Name, ulong Owner, long Incarnation, string InboxName)
{
    public int Pid => ProcessIdentity.PidOf(Owner);
}

/// <summary>
/// The directory of the nodes of one actor system (see NodeDirectoryLayout): join (refused while a live process holds
/// the name; a dead holder's entry is taken over with a new incarnation), leave, and snapshots for membership.
/// </summary>
internal sealed unsafe class NodeDirectory : IDisposable
{
    private readonly Segment _segment;
    private readonly byte* _mutex;

    private NodeDirectory(Segment segment)
    {
        RobustMutex.EnsureSupported();
        _segment = segment;
        _mutex = segment.Base + L.MutexOffset;
    }

    /// <summary>Opens the system's directory, creating it if this is the first node.</summary>
    public static NodeDirectory Open(string segmentName, SegmentOptions options) =>
        new(Segment.Attach(segmentName, Segment.AttachMode.CreateOrOpen, NodeDirectoryLayoutRules.Instance, NodeDirectoryLayoutRules.Instance.Geometry(), options));

    public string Name => _segment.Name;

    private byte* Record(int index) => _segment.Base + L.RecordsOffset + (long)index * L.RecordSize;

    private int RecordCount => (int)_segment.Geometry.Capacity;

    /// <summary>
    /// Adds this process as node <paramref name="name"/>. A record of that name held by a live process is refused; one
    /// held by a dead process is taken over (its entry is returned so the caller can remove its segments).
    /// </summary>
    /// <exception cref="InvalidOperationException">The name is held by a live process, or the directory is full.</exception>
    public NodeEntry Join(string name, Func<long, string> inboxNameFor, out NodeEntry? replaced)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        Lock();
        try
        {
            replaced = null;
            int target = -1;
            for (int i = 0; i < RecordCount; i++)
            {
                if (!TryRead(i, out NodeEntry entry))
                {
                    if (target < 0)
                        target = i;
                    continue;
                }
                if (entry.Name != name)
                    continue;
                if (ProcessIdentity.IsAlive(entry.Owner))
                    throw new InvalidOperationException(
                        $"Node name '{name}' is already taken in {Name} by the live process {entry.Pid}; choose another node name or stop that process.");
                replaced = entry;
                target = i;
                break;
            }
            if (target < 0)
                throw new InvalidOperationException($"The node directory {Name} has all {RecordCount} records in use by live nodes.");

            ref long next = ref *(long*)(_segment.Base + L.NextIncarnationOffset);
            long incarnation = next++;
            string inbox = inboxNameFor(incarnation);
            byte[] inboxBytes = Encoding.UTF8.GetBytes(inbox);
            if (inboxBytes.Length > L.MaxInboxNameBytes)
                throw new ArgumentException($"The inbox name '{inbox}' is {inboxBytes.Length} bytes; at most {L.MaxInboxNameBytes} are allowed.");

            byte* record = Record(target);
            Volatile.Write(ref *(uint*)(record + L.StateOffset), L.StateFree); // a half-written record reads as free
            nameBytes.CopyTo(new Span<byte>(record + L.NameOffset, L.MaxNameBytes));
            *(uint*)(record + L.NameLengthOffset) = (uint)nameBytes.Length;
            inboxBytes.CopyTo(new Span<byte>(record + L.InboxNameOffset, L.MaxInboxNameBytes));
            *(uint*)(record + L.InboxNameLengthOffset) = (uint)inboxBytes.Length;
            *(ulong*)(record + L.OwnerOffset) = ProcessIdentity.CurrentOwner;
            *(long*)(record + L.IncarnationOffset) = incarnation;
            Volatile.Write(ref *(uint*)(record + L.StateOffset), L.StateUp);
            Interlocked.Increment(ref *(uint*)(_segment.Base + L.ChangeSequenceOffset));
            return new NodeEntry(target, name, ProcessIdentity.CurrentOwner, incarnation, inbox);
        }
        finally
        {
            Unlock();
        }
    }

    /// <summary>Removes this process's record (a clean leave), if it is still ours.</summary>
    public void Leave(in NodeEntry self)
    {
        Lock();
        try
        {
            if (TryRead(self.Index, out NodeEntry entry) && entry.Incarnation == self.Incarnation)
            {
                Volatile.Write(ref *(uint*)(Record(self.Index) + L.StateOffset), L.StateFree);
                Interlocked.Increment(ref *(uint*)(_segment.Base + L.ChangeSequenceOffset));
            }
        }
        finally
        {
            Unlock();
        }
    }

    /// <summary>A counter that changes whenever the directory does (read without the lock).</summary>
    public uint ChangeSequence => Volatile.Read(ref *(uint*)(_segment.Base + L.ChangeSequenceOffset));

    /// <summary>Every listed node (dead holders included: liveness is the caller's question).</summary>
    public List<NodeEntry> Snapshot()
    {
        var nodes = new List<NodeEntry>();
        Lock();
        try
        {
            for (int i = 0; i < RecordCount; i++)
            {
                if (TryRead(i, out NodeEntry entry))
                    nodes.Add(entry);
            }
        }
        finally
        {
            Unlock();
        }
        return nodes;
    }

    private bool TryRead(int index, out NodeEntry entry)
    {
        entry = default;
        byte* record = Record(index);
        if (Volatile.Read(ref *(uint*)(record + L.StateOffset)) != L.StateUp)
            return false;
        uint nameLength = *(uint*)(record + L.NameLengthOffset);
        uint inboxLength = *(uint*)(record + L.InboxNameLengthOffset);
        if (nameLength is 0 or > L.MaxNameBytes || inboxLength is 0 or > L.MaxInboxNameBytes)
            return false; // corrupt: treated as free (a join may reuse it)
        string name = Encoding.UTF8.GetString(record + L.NameOffset, (int)nameLength);
        string inbox = Encoding.UTF8.GetString(record + L.InboxNameOffset, (int)inboxLength);
        entry = new NodeEntry(index, name, *(ulong*)(record + L.OwnerOffset), *(long*)(record + L.IncarnationOffset), inbox);
        return true;
    }

    private void Lock()
    {
        // A holder that died mid-join left at most one record in StateFree (written first) or complete: nothing to repair.
        if (RobustMutex.Lock(_mutex, Name) == LockOutcome.AcquiredFromDeadOwner)
            RobustMutex.MarkConsistent(_mutex);
    }

    private void Unlock() => RobustMutex.Unlock(_mutex);

    public void Dispose() => _segment.Dispose();
}
