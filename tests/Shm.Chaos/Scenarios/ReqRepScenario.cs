using Shm.Primitives;

namespace Shm.Chaos.Scenarios;

/// <summary>
/// ShmReqRep (byte channel): survivors are a server thread and a client thread in the campaign process; a victim is a
/// client (client.* points) or a server (server.* points). A request whose server died is failed to its client
/// (ShmServerUnavailableException): that is the dead server's in-flight item. A request served twice is a duplicate.
/// </summary>
public sealed class ReqRepScenario : Scenario
{
    public const int ResponseSlots = 4;
    private static readonly TimeSpan s_requestTimeout = TimeSpan.FromSeconds(10);
    private readonly ShmReqRepServer _server;
    private readonly ShmReqRepClient _client;
    private readonly Dictionary<long, int> _served = [];
    private long _failedRequests;

    public ReqRepScenario(string segmentName) : base(segmentName)
    {
        _server = ShmReqRepServer.CreateNew(segmentName, 64, ResponseSlots, maxResponseBytes: ChaosMessage.MaxLength);
        _client = ShmReqRepClient.OpenExisting(segmentName);
    }

    public override string Primitive => "ShmReqRep";

    public override string Prefix => "reqrep";

    /// <summary>"client" or "server", the second part of reqrep.ROLE.step.</summary>
    public override string VictimOperation(FaultPointInfo point) => point.Operation;

    public override OpLog.Mode VictimLogMode(string operation) => operation == "server" ? OpLog.Mode.Server : OpLog.Mode.Client;

    public override int MaxHit => 8;

    /// <summary>Requests failed because their server died (each allowed only against a server's in-flight item).</summary>
    public long FailedRequests => Interlocked.Read(ref _failedRequests);

    public override void Absorb(string logPath, string operation) =>
        OpLog.ReadInto(logPath, Ledger, VictimLogMode(operation), Served);

    public override void StartSurvivors() => Survivors.Start(("reqrep-server", Serve), ("reqrep-client", Call));

    private void Served(long id)
    {
        lock (_served)
            _served[id] = _served.TryGetValue(id, out int n) ? n + 1 : 1;
    }

    private void Serve()
    {
        if (!_server.TryReceive(out ShmRequest request, SurvivorTimeout))
            return;
        Served(ChaosMessage.IdOf(request.Payload.Span));
        _server.Reply(request.Id, ChaosMessage.AnswerTo(request.Payload.Span));
    }

    private void Call()
    {
        long id = NextId();
        Ledger.Put(id);
        try
        {
            byte[] answer = _client.Request(ChaosMessage.Create(id), s_requestTimeout);
            Ledger.Got(id, ChaosMessage.IsAnswerTo(id, answer));
        }
        catch (ShmServerUnavailableException)
        {
            Interlocked.Increment(ref _failedRequests); // counted lost; the dead server's log allows it
        }
    }

    /// <summary>
    /// Takes every response slot (a dead client's included), then serves the requests from this thread and reads every
    /// answer: needs the slots, the request queue's lock and the server side a dead process may have held.
    /// </summary>
    public override void Probe(DateTime deadline)
    {
        var mine = new Dictionary<RequestId, long>();
        for (int i = 0; i < ResponseSlots; i++)
        {
            long id = NextId();
            mine[_client.Send(ChaosMessage.Create(id), Remaining(deadline))] = id;
            Ledger.Put(id);
        }
        var pending = new HashSet<long>(mine.Values);
        while (pending.Count > 0)
        {
            if (!_server.TryReceive(out ShmRequest request, Remaining(deadline)))
                continue;
            long id = ChaosMessage.IdOf(request.Payload.Span);
            Served(id);
            _server.Reply(request.Id, ChaosMessage.AnswerTo(request.Payload.Span));
            pending.Remove(id);
        }
        foreach ((RequestId requestId, long id) in mine)
            Ledger.Got(id, ChaosMessage.IsAnswerTo(id, _client.Get(requestId, Remaining(deadline))));
    }

    /// <summary>Every response slot is free again (none leaked to a dead client or server).</summary>
    public override void CheckConsistency()
    {
        ShmReqRepStats stats = _client.GetStats();
        if (stats.FreeSlots != ResponseSlots)
            throw new ShmCorruptedException($"ShmReqRep has {stats.FreeSlots} of {ResponseSlots} response slots free at rest (waiting {stats.WaitingSlots}, processing {stats.ProcessingSlots}, ready {stats.ReadySlots}, failed {stats.FailedSlots})");
    }

    /// <summary>Requests served more than once.</summary>
    public long DuplicateServes()
    {
        lock (_served)
            return _served.Values.Sum(n => (long)Math.Max(0, n - 1));
    }

    public override void Drain()
    {
        // Requests of dead clients still queued are served (their answers go nowhere); nothing else is left.
        while (_server.TryReceive(out ShmRequest request, TimeSpan.FromMilliseconds(100)))
        {
            Served(ChaosMessage.IdOf(request.Payload.Span));
            _server.Reply(request.Id, ChaosMessage.AnswerTo(request.Payload.Span));
        }
    }

    public override void Dispose()
    {
        Survivors.Dispose();
        _client.Dispose();
        _server.Unlink();
        _server.Dispose();
    }
}
