using System.Diagnostics;
using Shm.Actors;
using Shm.Transport;
using Shm.Transport.PubSub;

namespace Shm.Examples.Cluster;

/// <summary>
/// Hands out the jobs: a window of them per live worker, told into the worker's job ring, topped up as reports come
/// in. A worker that joined takes jobs only once it answers a readiness probe: its node is in the directory before its
/// actors exist, and a message that reaches a node before its recipient does is a dead letter. A worker that goes down
/// gets no new jobs; the jobs queued in its ring wait there for its replacement (same node
/// name), which is sent a fence when it joins. When the fence comes back, everything queued before it was processed,
/// so any job sent to that worker and still not reported was lost with the dead process (at most the one in hand) and
/// is re-assigned. Every report is checked against the job table: a job completes exactly once.
/// </summary>
internal sealed class CoordinatorActor : ReceiveActor, IWithTimers
{
    private const int Window = 256;
    private static readonly TimeSpan s_probeInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_probeTimeout = TimeSpan.FromSeconds(2);
    private const int MaxProbesInFlight = 10; // a probe sent before the actors existed is never answered: keep sending
    private readonly RunState _state;
    private readonly int _workMicroseconds;
    private readonly string _systemName;
    private readonly bool[] _completed;
    private readonly Dictionary<string, Worker> _workers = [];
    private readonly Queue<int> _again = new();
    private int _nextJob;
    private bool _started;

    public sealed record Start;

    /// <summary>Time to probe <paramref name="Node"/> again (a timer, until it answers).</summary>
    private sealed record Probe(string Node);

    /// <summary>A probe went unanswered (the worker's actors are not there yet, or it died meanwhile).</summary>
    private sealed record ProbeFailed(string Node);

    public ITimerScheduler Timers { get; set; } = null!;

    private sealed class Worker(string node)
    {
        public string Node { get; } = node;
        public IActorRef? Jobs { get; set; }
        public IActorRef? Stats { get; set; }
        public long Incarnation { get; set; }
        public bool Ready { get; set; }
        public int Probing { get; set; }
        public Queue<int> Sent { get; } = new(); // in the order they went into the ring
        public int Outstanding { get; set; }
        public bool Live { get; set; }
        public bool WasDown { get; set; }
        public long FenceToken { get; set; }
    }

    public CoordinatorActor(RunState state, int workMicroseconds, string systemName)
    {
        _state = state;
        _workMicroseconds = workMicroseconds;
        _systemName = systemName;
        _completed = new bool[state.Jobs];
        Receive<MemberUp>(OnUp);
        Receive<MemberDown>(OnDown);
        Receive<JobDone>(OnDone);
        Receive<FenceDone>(OnFence);
        Receive<Probe>(OnProbe);
        Receive<WorkerStats>(OnReady);
        Receive<ProbeFailed>(failed => WorkerOf(failed.Node).Probing--);
        Receive<Start>(_ =>
        {
            _started = true;
            Fill();
        });
    }

    private Worker WorkerOf(string node)
    {
        if (!_workers.TryGetValue(node, out Worker? worker))
            _workers[node] = worker = new Worker(node);
        return worker;
    }

    private void OnUp(MemberUp up)
    {
        string node = up.Address.Host!;
        if (!node.StartsWith("worker-", StringComparison.Ordinal))
            return;
        Worker worker = WorkerOf(node);
        worker.Jobs = Context.System.Provider.ResolveActorRef($"shm://{_systemName}@{node}/user/jobs");
        worker.Stats = Context.System.Provider.ResolveActorRef($"shm://{_systemName}@{node}/user/stats");
        worker.Incarnation = up.Incarnation;
        worker.Ready = false;
        if (worker.WasDown && node == _state.KilledNode)
            _state.ReplacementUpAt = Stopwatch.GetTimestamp();
        _state.SetNodeState(node, worker.WasDown ? "rejoining" : "joining");
        _state.Note($"{node} {(worker.WasDown ? "rejoined" : "joined")} (pid {up.ProcessId}, incarnation {up.Incarnation}); waiting for its actors");
        Timers.StartPeriodicTimer(ProbeKey(node), new Probe(node), s_probeInterval);
        OnProbe(new Probe(node));
    }

    private static string ProbeKey(string node) => "probe-" + node;

    /// <summary>Asks the worker's stats actor (created after its job actor, so after its job ring): an answer means it is ready.</summary>
    private void OnProbe(Probe probe)
    {
        Worker worker = WorkerOf(probe.Node);
        if (worker.Ready || worker.Probing >= MaxProbesInFlight)
            return;
        worker.Probing++;
        string node = probe.Node;
        worker.Stats!.Ask<WorkerStats>(new GetStats(), s_probeTimeout).PipeTo(Self, failure: _ => new ProbeFailed(node));
    }

    private void OnReady(WorkerStats stats)
    {
        Worker worker = WorkerOf(stats.Node);
        worker.Probing--;
        if (worker.Ready || stats.Incarnation != worker.Incarnation)
            return; // answered already, or an answer from the incarnation before
        worker.Ready = true;
        Timers.Cancel(ProbeKey(stats.Node));
        if (worker.WasDown)
        {
            worker.FenceToken = Stopwatch.GetTimestamp();
            worker.Jobs!.Tell(new Fence(worker.FenceToken, Self), Self);
            _state.SetNodeState(stats.Node, "recovering");
            _state.Note($"{stats.Node} is ready; fencing its job ring");
            return;
        }
        worker.Live = true;
        _state.SetNodeState(stats.Node, "up");
        _state.Note($"{stats.Node} is ready");
        if (_started)
            Fill();
    }

    private void OnDown(MemberDown down)
    {
        string node = down.Address.Host!;
        if (!_workers.TryGetValue(node, out Worker? worker))
            return;
        worker.Live = false;
        worker.WasDown = true;
        worker.Ready = false;
        Timers.Cancel(ProbeKey(node));
        if (node == _state.KilledNode && _state.DownSeenAt == 0)
            _state.DownSeenAt = Stopwatch.GetTimestamp();
        _state.SetNodeState(node, down.Died ? "down" : "left");
        _state.Note($"{node} is down ({(down.Died ? "died" : "left")}); its {worker.Outstanding} queued jobs wait in its ring");
    }

    private void OnDone(JobDone done)
    {
        Interlocked.Increment(ref _state.ReportsReceived);
        if ((uint)done.Id >= (uint)_completed.Length)
            return;
        if (_completed[done.Id])
        {
            Interlocked.Increment(ref _state.Duplicates);
            return;
        }
        _completed[done.Id] = true;
        long completed = Interlocked.Increment(ref _state.Completed);
        if (_workers.TryGetValue(done.Node, out Worker? worker))
        {
            worker.Outstanding = Math.Max(0, worker.Outstanding - 1);
            while (worker.Sent.Count > 0 && _completed[worker.Sent.Peek()])
                worker.Sent.Dequeue();
        }
        if (completed == _state.Jobs)
            _state.AllDone.TrySetResult();
        else
            Fill();
    }

    private void OnFence(FenceDone fence)
    {
        if (!_workers.TryGetValue(fence.Node, out Worker? worker) || fence.Token != worker.FenceToken)
            return;
        int lost = 0;
        foreach (int id in worker.Sent)
        {
            if (!_completed[id])
            {
                _again.Enqueue(id);
                lost++;
            }
        }
        Interlocked.Add(ref _state.Reassigned, lost);
        worker.Sent.Clear();
        worker.Outstanding = 0;
        worker.Live = true;
        worker.WasDown = false;
        if (fence.Node == _state.KilledNode && _state.RecoveredAt == 0)
            _state.RecoveredAt = Stopwatch.GetTimestamp();
        _state.SetNodeState(fence.Node, "up");
        _state.Note($"{fence.Node} worked through its ring; {lost} job(s) lost with the dead process re-assigned");
        Fill();
    }

    /// <summary>Tops every live worker up to its window, re-assigned jobs first.</summary>
    private void Fill()
    {
        if (!_started)
            return;
        foreach (Worker worker in _workers.Values)
        {
            while (worker.Live && worker.Outstanding < Window && (_again.Count > 0 || _nextJob < _state.Jobs))
            {
                int id = _again.Count > 0 ? _again.Dequeue() : _nextJob++;
                worker.Jobs!.Tell(new Job(id, _workMicroseconds, Self), Self);
                worker.Sent.Enqueue(id);
                worker.Outstanding++;
                Interlocked.Increment(ref _state.JobsSent);
            }
        }
    }
}

/// <summary>Subscribed to the "progress" topic: keeps each worker's latest count, and counts events it missed.</summary>
internal sealed class ProgressListener : ReceiveActor
{
    public ProgressListener(RunState state)
    {
        Receive<WorkerProgress>(progress =>
        {
            Interlocked.Increment(ref state.ProgressEvents);
            state.SetProcessed(progress.Node, progress.Processed);
        });
        Receive<TopicEventsLost>(lost => Interlocked.Add(ref state.EventsLost, lost.Count));
        Receive<SubscribeAck>(_ => { });
    }
}
