using Shm.Actors.Event;

namespace Shm.Actors.Internal;

internal sealed partial class ActorCell
{
    private bool _terminating;
    private bool _terminated;

    // This cell failed and is suspended until its parent decides (Resume, Recreate or Terminate).
    private bool _failed;
    private object? _failedMessage;

    // Set when a restart waits for the children stopped by PreRestart.
    private Exception? _pendingRecreate;
    private SupervisorStrategy? _supervisorStrategy;

    public bool IsTerminated => _terminated;

    private SupervisorStrategy Strategy =>
        _supervisorStrategy ??= Props.SupervisorStrategy ?? _actor?.InvokeSupervisorStrategy() ?? SupervisorStrategy.DefaultStrategy;

    private void CreateActor()
    {
        try
        {
            NewActorInstance();
            _actor!.InvokePreStart();
        }
        catch (Exception e)
        {
            HandleInvokeFailure(new ActorInitializationException(SelfRef, $"Exception during creation of {SelfRef.Path}: {e.Message}", e));
        }
    }

    /// <summary>
    /// The actor threw (or its initialization did): suspend it and its children and ask the parent what to do.
    /// <paramref name="escalatingChild"/> is the child whose failure this parent escalates; it is already suspended.
    /// </summary>
    private void HandleInvokeFailure(Exception cause, IActorRef? escalatingChild = null)
    {
        if (_terminating || _failed)
        {
            // A second failure while waiting for the parent, or one during shutdown: nobody can act on it, so log it.
            System.Log.Error(cause, "{0}: failure while {1}: {2}", SelfRef.Path, _terminating ? "stopping" : "already failed", cause.Message);
            return;
        }
        _failed = true;
        _failedMessage = _currentMessage;
        _awaitingTask = false;
        Mailbox.SuspendCount++;
        foreach (InternalActorRef child in ChildRefs)
        {
            if (!child.Equals(escalatingChild)) child.SendSystemMessage(new Suspend());
        }
        ParentRef.SendSystemMessage(new Failed(SelfRef, cause, SelfRef.Path.Uid));
    }

    /// <summary>A child failed: apply the supervisor strategy, or escalate by failing this actor with the same cause.</summary>
    private void HandleFailed(Failed failed)
    {
        if (!_children.TryGetValue(failed.Child.Path.Name, out ChildRestartStats? stats) || !stats.Child.Equals(failed.Child))
            return;   // a child that has already been replaced or stopped
        if (_childrenStopping.Contains(failed.Child)) return;   // it is on its way out anyway
        List<ChildRestartStats> all = [.. _children.Values.Where(s => !_childrenStopping.Contains(s.Child))];
        if (!Strategy.HandleFailure(this, stats, failed.Cause, all)) HandleInvokeFailure(failed.Cause, failed.Child);
    }

    internal void LogFailure(IActorRef child, Exception cause, Directive directive)
    {
        if (directive == Directive.Resume) System.Log.Warning("{0} failed and was resumed: {1}", child.Path, cause.Message);
        else System.Log.Error(cause, "{0} failed ({1}): {2}", child.Path, directive, cause.Message);
    }

    private void FaultSuspend()
    {
        Mailbox.SuspendCount++;
        foreach (InternalActorRef child in ChildRefs) child.SendSystemMessage(new Suspend());
    }

    private void FaultResume(Exception? causedByFailure)
    {
        if (_actor is null && causedByFailure is not null && !_terminating)
        {
            // The instance was never built (its constructor or PreStart threw): there is nothing to resume, so build one.
            FinishRecreate(causedByFailure);
            return;
        }
        if (Mailbox.SuspendCount > 0) Mailbox.SuspendCount--;
        if (_failed && causedByFailure is not null)
        {
            _failed = false;
            _failedMessage = null;
        }
        foreach (InternalActorRef child in ChildRefs) child.SendSystemMessage(new Resume(causedByFailure));
    }

    /// <summary>Restart, part one: PreRestart on the failed instance; then wait for the children it stopped.</summary>
    private void FaultRecreate(Exception cause)
    {
        if (_terminating) return;   // a stop that arrived first wins
        ActorBase? failedActor = _actor;
        if (failedActor is not null)
        {
            ClearReceiveTimeout();
            _timers?.CancelAll();
            _stash?.ReturnAllToMailbox();
            try
            {
                failedActor.InvokePreRestart(cause, _failedMessage);
            }
            catch (Exception e)
            {
                System.Log.Error(e, "{0}: PreRestart threw: {1}", SelfRef.Path, e.Message);
            }
        }
        if (_childrenStopping.Count > 0) _pendingRecreate = cause;
        else FinishRecreate(cause);
    }

    /// <summary>Restart, part two: a fresh instance runs PostRestart; children that survived are restarted as well.</summary>
    private void FinishRecreate(Exception cause)
    {
        _pendingRecreate = null;
        _failed = false;
        _failedMessage = null;
        _awaitingTask = false;
        Mailbox.SuspendCount = 0;
        List<InternalActorRef> survivors = [.. ChildRefs];
        try
        {
            NewActorInstance();
            _actor!.InvokePostRestart(cause);
        }
        catch (Exception e)
        {
            HandleInvokeFailure(new ActorInitializationException(SelfRef, $"Exception during restart of {SelfRef.Path}: {e.Message}", e));
            return;
        }
        foreach (InternalActorRef child in survivors) child.SendSystemMessage(new Recreate(cause));
    }

    /// <summary>Stop, part one: no more user messages; stop the children and wait for them.</summary>
    private void StartTermination()
    {
        if (_terminating) return;
        _terminating = true;
        ClearReceiveTimeout();
        foreach (InternalActorRef child in ChildRefs.ToList()) StopChild(child);
        if (_children.IsEmpty) FinishTerminate();
    }

    /// <summary>Stop, part two: PostStop, close the mailbox, then tell watchers and the parent.</summary>
    private void FinishTerminate()
    {
        if (_terminated) return;
        try
        {
            _actor?.InvokePostStop();
        }
        catch (Exception e)
        {
            System.Log.Error(e, "{0}: PostStop threw: {1}", SelfRef.Path, e.Message);
        }
        _timers?.CancelAll();
        _stash?.DeadLetterAll();
        _terminated = true;
        Mailbox.Close(SelfRef, System.DeadLetters);
        TellWatchersWeDied();
        _actor = null;
        _behaviors.Clear();
        _behavior = static _ => false;
    }
}
