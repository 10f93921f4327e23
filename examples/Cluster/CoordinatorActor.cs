using System.Diagnostics;
using Akka.Actor;

namespace Shm.Examples.Cluster;

/// <summary>
/// Hands out the jobs: a window of them per live worker, told to the worker's job actor, topped up as reports come in.
/// Workers register once their actors exist; the jobs start when the first <c>--workers</c> have. The coordinator
/// watches each job actor (Akka DeathWatch): a <see cref="Terminated"/> stops its jobs and starts a replacement
/// process of the same node name. The replacement registers and is sent a <see cref="Fence"/>; when it comes back,
/// everything queued before it was processed, so each job sent to the dead worker and still not reported was lost with
/// it and is re-sent. Over shm the job mailbox is a ring the replacement takes over, so nothing is lost but, at most,
/// a report of the message in hand (it is delivered again: a duplicate report). Over TCP the dead process's in-memory
/// mailbox is gone and its whole backlog is re-sent. Every report is checked against the job table: each job
/// completes exactly once, and a second report is counted, not counted twice.
/// </summary>
internal sealed class CoordinatorActor : ReceiveActor
{
    private const int Window = 256;
    private readonly RunState _state;
    private readonly ClusterSettings _settings;
    private readonly WorkerProcesses _processes;
    private readonly bool[] _completed;
    private readonly Worker?[] _sentTo;
    private readonly Dictionary<string, Worker> _workers = [];
    private readonly Queue<int> _again = new();
    private int _nextJob;
    private bool _started;
    private bool _finishing;

    /// <summary>The run is over: stop watching (the workers are about to leave) and answer.</summary>
    public sealed record Finish;

    private sealed class Worker(string node)
    {
        public string Node { get; } = node;
        public IActorRef? Jobs { get; set; }
        public long Incarnation { get; set; }
        public bool Live { get; set; }
        public bool Replaced { get; set; }        // it died: its replacement must pass the fence before new jobs
        public long FenceToken { get; set; }
        public HashSet<int> Pending { get; } = []; // sent to it, not reported yet
    }

    public CoordinatorActor(RunState state, ClusterSettings settings, WorkerProcesses processes)
    {
        _state = state;
        _settings = settings;
        _processes = processes;
        _completed = new bool[state.Jobs];
        _sentTo = new Worker?[state.Jobs];
        Receive<RegisterWorker>(OnRegister);
        Receive<Terminated>(OnTerminated);
        Receive<JobDone>(OnDone);
        Receive<FenceDone>(OnFence);
        Receive<Finish>(_ =>
        {
            _finishing = true;
            foreach (Worker worker in _workers.Values)
            {
                if (worker.Jobs is { } jobs)
                    Context.Unwatch(jobs);
            }
            Sender.Tell(new Finish());
        });
    }

    private string Victim => $"worker-{Math.Min(2, _settings.Workers)}";

    private void OnRegister(RegisterWorker registration)
    {
        Sender.Tell(new WorkerRegistered(registration.Incarnation));
        if (!_workers.TryGetValue(registration.Node, out Worker? worker))
            _workers[registration.Node] = worker = new Worker(registration.Node);
        if (worker.Incarnation == registration.Incarnation || _finishing)
            return; // registered already (the worker sends until it hears back)
        worker.Incarnation = registration.Incarnation;
        worker.Jobs = registration.Jobs;
        Context.Watch(registration.Jobs);
        _state.StatsActors[registration.Node] = registration.Stats;
        if (worker.Replaced)
        {
            if (registration.Node == _state.KilledNode && _state.ReplacementUpAt == 0)
                _state.ReplacementUpAt = Stopwatch.GetTimestamp();
            worker.FenceToken = Stopwatch.GetTimestamp();
            worker.Jobs.Tell(new Fence(worker.FenceToken), Self);
            _state.SetNodeState(registration.Node, "recovering");
            _state.Note($"{registration.Node} registered again (pid {registration.Incarnation}); fencing its job mailbox");
            return;
        }
        worker.Live = true;
        _state.SetNodeState(registration.Node, "up");
        _state.Note($"{registration.Node} registered (pid {registration.Incarnation})");
        if (!_started && _workers.Values.Count(w => w.Live) >= _settings.Workers)
        {
            _started = true;
            _state.FirstJobAt = Stopwatch.GetTimestamp();
        }
        Fill();
    }

    private void OnTerminated(Terminated terminated)
    {
        Worker? worker = _workers.Values.FirstOrDefault(w => terminated.ActorRef.Equals(w.Jobs));
        if (worker is null || _finishing)
            return;
        worker.Live = false;
        worker.Replaced = true;
        worker.Jobs = null;
        _state.StatsActors.TryRemove(worker.Node, out _);
        if (worker.Node == _state.KilledNode && _state.DownSeenAt == 0)
            _state.DownSeenAt = Stopwatch.GetTimestamp();
        _state.SetNodeState(worker.Node, "down");
        _state.Note($"{worker.Node} terminated {RunState.Milliseconds(_state.KilledAt, Stopwatch.GetTimestamp()):F1} ms after the kill "
            + $"({worker.Pending.Count} jobs outstanding at it); starting its replacement");
        _processes.Start(worker.Node);
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
        _sentTo[done.Id]?.Pending.Remove(done.Id);
        long completed = Interlocked.Increment(ref _state.Completed);
        if (completed == _state.Jobs)
            _state.AllDoneAt = Stopwatch.GetTimestamp();
        if (_settings.Chaos && _state.KilledAt == 0 && completed >= _state.Jobs * 35L / 100)
            KillVictim(completed);
        CheckFinished();
        Fill();
    }

    /// <summary>The chaos step, a third of the way in: here, so the kill comes at the same point of every run.</summary>
    private void KillVictim(long completed)
    {
        string victim = Victim;
        _state.KilledNode = victim;
        _state.CompletedAtKill = completed;
        _state.KilledAt = Stopwatch.GetTimestamp();
        int pid = _processes.Kill(victim);
        int pending = _workers.TryGetValue(victim, out Worker? worker) ? worker.Pending.Count : 0;
        _state.Note($"chaos: kill -9 {victim} (pid {pid}) with {pending} jobs outstanding at it");
    }

    private void OnFence(FenceDone fence)
    {
        if (!_workers.TryGetValue(fence.Node, out Worker? worker) || fence.Token != worker.FenceToken || worker.Live)
            return;
        int lost = worker.Pending.Count;
        foreach (int id in worker.Pending)
        {
            _sentTo[id] = null;
            _again.Enqueue(id);
        }
        worker.Pending.Clear();
        Interlocked.Add(ref _state.Resent, lost);
        worker.Live = true;
        worker.Replaced = false;
        if (fence.Node == _state.KilledNode && _state.RecoveredAt == 0)
            _state.RecoveredAt = Stopwatch.GetTimestamp();
        _state.SetNodeState(fence.Node, "up");
        _state.Note($"{fence.Node} worked through its job mailbox; {lost} job(s) lost with the dead process re-sent");
        CheckFinished();
        Fill();
    }

    private void CheckFinished()
    {
        if (Interlocked.Read(ref _state.Completed) == _state.Jobs && (!_settings.Chaos || _state.RecoveredAt != 0))
            _state.Finished.TrySetResult();
    }

    /// <summary>Tops every live worker up to its window, re-sent jobs first.</summary>
    private void Fill()
    {
        if (!_started)
            return;
        foreach (Worker worker in _workers.Values)
        {
            while (worker.Live && worker.Pending.Count < Window && (_again.Count > 0 || _nextJob < _state.Jobs))
            {
                int id = _again.Count > 0 ? _again.Dequeue() : _nextJob++;
                if (_completed[id])
                    continue; // reported after all (a late report of a re-sent job)
                worker.Jobs!.Tell(new Job(id, _settings.WorkMicroseconds), Self);
                worker.Pending.Add(id);
                _sentTo[id] = worker;
                Interlocked.Increment(ref _state.JobsSent);
            }
        }
    }
}
