namespace Shm.Chaos;

/// <summary>
/// Every item of one scenario: what was surely accepted (Put), what was in flight when its writer died (Maybe),
/// what came out (Got, with whether its bytes were intact) and how much loss the deaths allow (the in-flight
/// operations' sizes). Thread-safe: survivors record from several threads.
/// </summary>
public sealed class Ledger
{
    private readonly object _gate = new();
    private readonly HashSet<long> _put = [];
    private readonly HashSet<long> _maybe = [];
    private readonly Dictionary<long, int> _got = [];
    private long _torn;
    private long _allowedLoss;

    public void Put(long id)
    {
        lock (_gate)
            _put.Add(id);
    }

    public void Maybe(long id)
    {
        lock (_gate)
            _maybe.Add(id);
    }

    public void Got(long id, bool intact)
    {
        lock (_gate)
        {
            if (!intact)
            {
                _torn++;
                return;
            }
            _got[id] = _got.TryGetValue(id, out int n) ? n + 1 : 1;
        }
    }

    /// <summary>An item delivered to a reader that was told it was lost (e.g. a request failed as its server died).</summary>
    public void AllowLoss(long items)
    {
        lock (_gate)
            _allowedLoss += items;
    }

    public LedgerResult Settle()
    {
        lock (_gate)
        {
            long dup = 0, phantom = 0, lost = 0;
            foreach ((long id, int n) in _got)
            {
                dup += n - 1;
                if (!_put.Contains(id) && !_maybe.Contains(id))
                    phantom++; // intact bytes for an id nobody wrote: a stale or misplaced copy
            }
            foreach (long id in _put)
            {
                if (!_got.ContainsKey(id))
                    lost++;
            }
            foreach (long id in _maybe)
            {
                if (!_got.ContainsKey(id) && !_put.Contains(id))
                    lost++;
            }
            return new LedgerResult(_torn + phantom, dup, lost, _allowedLoss, _put.Count + _maybe.Count, _got.Count);
        }
    }
}

public readonly record struct LedgerResult(long Torn, long Dup, long Lost, long AllowedLoss, long Written, long Received);
