using Shm.Primitives.Interop;

namespace Shm.Node.Membership;

/// <summary>
/// Watches the node directory from one node: a thread that holds a pidfd per other live node and sleeps in poll() on
/// them, so a node's death is reported the moment the kernel reports its exit, and that re-reads the directory
/// whenever its change counter moves (checked every <see cref="RescanInterval"/>) to learn of joins and leaves. A node
/// that joins is known sooner when it talks: its first frame, or a link opened to it, admits it at once (Admit).
/// </summary>
internal sealed class MembershipWatcher : IDisposable
{
    public static readonly TimeSpan RescanInterval = TimeSpan.FromMilliseconds(250);

    private readonly NodeDirectory _directory;
    private readonly NodeEntry _self;
    private readonly Action<NodeEntry> _up;
    private readonly Action<NodeEntry, bool> _down;
    private readonly Dictionary<string, Watched> _known = [];
    private readonly HashSet<long> _deadIncarnations = [];
    private readonly Thread _thread;
    private volatile bool _stopping;
    private uint _lastSequence;

    private readonly record struct Watched(NodeEntry Entry, int PidFd);

    public MembershipWatcher(NodeDirectory directory, NodeEntry self, Action<NodeEntry> up, Action<NodeEntry, bool> down)
    {
        _directory = directory;
        _self = self;
        _up = up;
        _down = down;
        Rescan(); // the nodes already up are known before the system starts using the transport
        _thread = new Thread(Run) { IsBackground = true, Name = $"Shm membership {self.Name}" };
        _thread.Start();
    }

    private void Run()
    {
        while (!_stopping)
        {
            int[] fds;
            string[] names;
            lock (_known)
            {
                fds = [.. _known.Values.Select(w => w.PidFd)];
                names = [.. _known.Keys];
            }
            var exited = new bool[fds.Length];
            if (PidFd.WaitAny(fds, exited, RescanInterval) > 0)
            {
                // A node that left cleanly freed its record before exiting: the rescan reports it as left, and
                // only the exits still unexplained are deaths.
                Rescan();
                for (int i = 0; i < fds.Length; i++)
                {
                    if (exited[i])
                        Remove(names[i], died: true);
                }
            }
            if (_stopping)
                break;
            uint sequence = _directory.ChangeSequence;
            if (sequence != _lastSequence)
                Rescan();
        }
    }

    private void Rescan()
    {
        _lastSequence = _directory.ChangeSequence;
        List<NodeEntry> listed = _directory.Snapshot();
        foreach (NodeEntry entry in listed)
            Admit(entry);
        List<string> left;
        lock (_known)
            left = [.. _known.Where(k => !listed.Any(e => e.Incarnation == k.Value.Entry.Incarnation)).Select(k => k.Key)];
        foreach (string name in left)
            Remove(name, died: false);
    }

    /// <summary>
    /// Starts watching a listed node (from a rescan, or from the driver when a frame of a node not seen yet arrives: the
    /// node is then known here at once, so its leave or death is reported even if it comes before the next rescan).
    /// Returns whether the node is (now or already) watched and alive.
    /// </summary>
    public bool Admit(NodeEntry entry)
    {
        if (entry.Incarnation == _self.Incarnation)
            return false;
        Watched? current;
        lock (_known)
        {
            if (_deadIncarnations.Contains(entry.Incarnation))
                return false;
            current = _known.TryGetValue(entry.Name, out Watched w) ? w : null;
        }
        if (current is { } known && known.Entry.Incarnation == entry.Incarnation)
            return true;
        if (current is not null)
            Remove(entry.Name, died: true); // replaced by a new incarnation before we saw the old one exit
        int fd = PidFd.Open(entry.Owner);
        lock (_known)
        {
            if (fd < 0)
            {
                _deadIncarnations.Add(entry.Incarnation); // a dead holder not yet taken over: never up
                return false;
            }
            if (_known.TryGetValue(entry.Name, out Watched raced) && raced.Entry.Incarnation == entry.Incarnation)
            {
                PidFd.Close(fd); // admitted by the other caller meanwhile
                return true;
            }
            _known[entry.Name] = new Watched(entry, fd);
        }
        _up(entry);
        return true;
    }

    /// <summary>Whether <paramref name="incarnation"/> is watched now (admitted, and neither left nor dead).</summary>
    public bool IsWatching(long incarnation)
    {
        lock (_known)
            return _known.Values.Any(w => w.Entry.Incarnation == incarnation);
    }

    private void Remove(string name, bool died)
    {
        Watched watched;
        lock (_known)
        {
            if (!_known.Remove(name, out watched))
                return;
            _deadIncarnations.Add(watched.Entry.Incarnation);
        }
        PidFd.Close(watched.PidFd);
        _down(watched.Entry, died);
    }

    public void Dispose()
    {
        _stopping = true;
        _thread.Join();
        lock (_known)
        {
            foreach (Watched watched in _known.Values)
                PidFd.Close(watched.PidFd);
            _known.Clear();
        }
    }
}
