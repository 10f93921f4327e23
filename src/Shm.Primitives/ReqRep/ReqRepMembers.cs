using L = Shm.Primitives.ReqRep.ShmReqRepLayout;

namespace Shm.Primitives.ReqRep;

/// <summary>
/// The server and client records of a ReqRep segment (see ShmReqRepLayout): who is registered, whether they are
/// alive (PID + start time, so PID reuse cannot fake life; a stopped process is alive), and each client's
/// doorbell. Indexes are 1-based so that 0 in a slot's control word means "none".
/// </summary>
internal sealed unsafe class ReqRepMembers(byte* region, string segment)
{
    private const uint ServerExitClean = 0;
    private const uint ServerExitDied = 1;

    private byte* ServerRecord(int index) => region + L.ServersOffset + (index - 1) * L.RecordSize;

    private byte* ClientRecord(int index) => region + L.ClientsOffset + (index - 1) * L.RecordSize;

    private ref long ServerDeaths => ref *(long*)(region + L.ServerDeathsOffset);

    private ref uint LastServerExit => ref *(uint*)(region + L.LastServerExitOffset);

    public long ServerDeathCount => Volatile.Read(ref ServerDeaths);

    public int RegisterServer() => Register(server: true);

    public int RegisterClient() => Register(server: false);

    /// <summary>Frees a server record on clean shutdown; the last server leaving cleanly makes "no server" mean "wait".</summary>
    public void UnregisterServer(int index)
    {
        Volatile.Write(ref *(ulong*)ServerRecord(index), 0);
        if (!LiveServerExists())
            Volatile.Write(ref LastServerExit, ServerExitClean);
    }

    public void UnregisterClient(int index)
    {
        byte* record = ClientRecord(index);
        Volatile.Write(ref *(uint*)(record + L.DoorbellWaitersOffset), 0);
        Volatile.Write(ref *(ulong*)record, 0);
    }

    public bool IsServerAlive(int index) => index is >= 1 and <= L.ServerRecordCount && IsAlive(Volatile.Read(ref *(ulong*)ServerRecord(index)));

    public bool LiveServerExists()
    {
        for (int i = 1; i <= L.ServerRecordCount; i++)
        {
            if (IsServerAlive(i))
                return true;
        }
        return false;
    }

    /// <summary>
    /// True when waiting for a server is pointless: none is alive and the last one died (its record is still
    /// there, or a reaper noted the death). A channel whose servers all left cleanly, or never came, is waited on.
    /// </summary>
    public bool ServersGone()
    {
        bool deadRecord = false;
        for (int i = 1; i <= L.ServerRecordCount; i++)
        {
            ulong owner = Volatile.Read(ref *(ulong*)ServerRecord(i));
            if (owner == 0)
                continue;
            if (IsAlive(owner))
                return false;
            deadRecord = true;
        }
        return deadRecord || Volatile.Read(ref LastServerExit) == ServerExitDied;
    }

    /// <summary>Server records whose process died; <paramref name="release"/> fails their requests before each is freed.</summary>
    public void ReapDeadServers(Action<int> release)
    {
        for (int i = 1; i <= L.ServerRecordCount; i++)
        {
            ref ulong owner = ref *(ulong*)ServerRecord(i);
            ulong value = Volatile.Read(ref owner);
            if (value == 0 || IsAlive(value))
                continue;
            release(i); // before the record can be reused: a slot naming index i must never point at a new server
            Volatile.Write(ref LastServerExit, ServerExitDied);
            if (Interlocked.CompareExchange(ref owner, 0, value) == value)
                Interlocked.Increment(ref ServerDeaths);
        }
    }

    /// <summary>Client records whose process died; <paramref name="release"/> frees their slots and says whether none is left.</summary>
    public int ReapDeadClients(Func<int, bool> release)
    {
        int reaped = 0;
        for (int i = 1; i <= L.ClientRecordCount; i++)
        {
            ref ulong owner = ref *(ulong*)ClientRecord(i);
            ulong value = Volatile.Read(ref owner);
            if (value == 0 || IsAlive(value))
                continue;
            if (release(i) && Interlocked.CompareExchange(ref owner, 0, value) == value)
                reaped++;
        }
        return reaped;
    }

    public uint* DoorbellSequence(int client) => (uint*)(ClientRecord(client) + L.DoorbellSequenceOffset);

    public uint* DoorbellWaiters(int client) => (uint*)(ClientRecord(client) + L.DoorbellWaitersOffset);

    /// <summary>Wakes the async waiter of <paramref name="client"/> (after a reply to one of its slots that it flagged).</summary>
    public void RingDoorbell(int client)
    {
        if (client is < 1 or > L.ClientRecordCount)
            return;
        uint* sequence = DoorbellSequence(client);
        // Full fence (Interlocked): ordered after the caller's slot CAS and before the waiter-flag read, pairing with
        // the waiter, which sets its flag before reading the sequence and then re-checks its slots.
        Interlocked.Increment(ref *sequence);
        if (Volatile.Read(ref *DoorbellWaiters(client)) != 0)
            Threading.Futex.Wake(sequence, int.MaxValue);
    }

    private static bool IsAlive(ulong owner) => owner != 0 && (owner == ProcessIdentity.CurrentOwner || ProcessIdentity.IsAlive(owner));

    private int Register(bool server)
    {
        int count = server ? L.ServerRecordCount : L.ClientRecordCount;
        for (int i = 1; i <= count; i++)
        {
            ref ulong owner = ref *(ulong*)(server ? ServerRecord(i) : ClientRecord(i));
            if (Volatile.Read(ref owner) == 0 && Interlocked.CompareExchange(ref owner, ProcessIdentity.CurrentOwner, 0) == 0)
                return i;
        }
        string role = server ? "server" : "client";
        throw new InvalidOperationException(
            $"ShmReqRep '{segment}' has all {count} {role} records in use by live processes; dispose unused {role}s (dead processes' records are freed when found).");
    }
}
