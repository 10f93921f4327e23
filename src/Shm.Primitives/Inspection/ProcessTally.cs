namespace Shm.Primitives.Inspection;

/// <summary>Groups owner words (startTime &lt;&lt; 22 | pid) found in a segment's records into one entry per process and role.</summary>
internal sealed class ProcessTally
{
    private readonly Dictionary<(string Role, ulong Owner), int> _records = [];

    /// <summary>Counts one record of <paramref name="role"/> owned by <paramref name="owner"/>; 0 (a free record) is ignored.</summary>
    public void Add(string role, ulong owner)
    {
        if (owner == 0)
            return;
        _records[(role, owner)] = _records.GetValueOrDefault((role, owner)) + 1;
    }

    /// <summary>The processes counted, with liveness checked now (pid and start time).</summary>
    public List<RecordedUser> ToUsers()
    {
        var users = new List<RecordedUser>(_records.Count);
        foreach (((string role, ulong owner), int records) in _records)
        {
            int pid = ProcessIdentity.PidOf(owner);
            users.Add(new RecordedUser(role, pid, ProcessIdentity.StartTimeOf(owner), ProcessIdentity.IsAlive(owner), records));
        }
        users.Sort(static (a, b) => a.ProcessId != b.ProcessId ? a.ProcessId.CompareTo(b.ProcessId) : string.CompareOrdinal(a.Role, b.Role));
        return users;
    }
}
