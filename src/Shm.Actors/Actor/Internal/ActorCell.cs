using Shm.Actors.Dispatch;

namespace Shm.Actors.Internal;

/// <summary>
/// The runtime side of one actor: its mailbox, current instance, behaviour stack, children and watchers. Everything here
/// runs on the actor's own turn (see <see cref="Dispatch.Mailbox"/>) unless a member says otherwise, so it needs no locks.
/// Split by concern: children, death watch, fault handling, receive timeout and async handlers live in partial files.
/// </summary>
internal sealed partial class ActorCell : IActorContext
{
    [ThreadStatic] private static ActorCell? t_current;

    // The cell whose Props factory is running on this thread; taken (and cleared) by the ActorBase constructor, so an
    // actor created with 'new' inside another actor's constructor is caught instead of being bound to the wrong cell.
    [ThreadStatic] private static ActorCell? t_creating;

    private readonly List<Receive> _behaviors = new(1);
    private Receive _behavior = static _ => false;
    private ActorBase? _actor;
    private object? _currentMessage;
    private IActorRef? _currentSender;

    public ActorCell(ActorSystemImpl system, LocalActorRef self, Props props, MessageDispatcher dispatcher, InternalActorRef parent, Mailbox mailbox)
    {
        System = system;
        SelfRef = self;
        Props = props;
        Dispatcher = dispatcher;
        ParentRef = parent;
        Mailbox = mailbox;
    }

    /// <summary>The cell whose turn is running on this thread, or null.</summary>
    public static ActorCell? Current
    {
        get => t_current;
        set => t_current = value;
    }

    public static ActorCell? TakeCellBeingCreated()
    {
        ActorCell? cell = t_creating;
        t_creating = null;
        return cell;
    }

    public ActorSystemImpl System { get; }

    public LocalActorRef SelfRef { get; }

    public InternalActorRef ParentRef { get; }

    public Mailbox Mailbox { get; }

    public Props Props { get; }

    public MessageDispatcher Dispatcher { get; }

    public ActorBase? Actor => _actor;

    public IActorRef Self => SelfRef;

    public IActorRef Sender => _currentSender ?? System.DeadLetters;

    public IActorRef Parent => ParentRef;

    ActorSystem IActorContext.System => System;

    public object? CurrentMessage => _currentMessage;

    /// <summary>Whether the turn may take user messages now: created, not stopping, not suspended, not awaiting an async handler.</summary>
    public bool CanProcessUserMessages =>
        _actor is not null && !_terminating && !_awaitingTask && Mailbox.SuspendCount == 0 && _pendingRecreate is null;

    /// <summary>Starts the cell: the first system message builds the actor on the dispatcher.</summary>
    public void Start() => Mailbox.PostSystem(new Create());

    /// <summary>Handles one user message; a throw becomes a failure reported to the parent.</summary>
    public void Invoke(Envelope envelope)
    {
        object message = envelope.Message;
        _currentMessage = message;
        _currentSender = envelope.Sender;
        _currentStashed = false;
        try
        {
            if (message is IAutoReceivedMessage) AutoReceive(message);
            else if (ReferenceEquals(message, Actors.ReceiveTimeout.Instance)) ReceiveTimeoutArrived();
            else ReceiveMessage(message);
            // The unwrapped message decides: a periodic timer's INotInfluenceReceiveTimeout tick must not count as activity.
            if (_receiveTimeout is not null && _currentMessage is not INotInfluenceReceiveTimeout) RestartReceiveTimeout();
        }
        catch (Exception e)
        {
            HandleInvokeFailure(e);
        }
        finally
        {
            _currentMessage = null;
            _currentSender = null;
        }
    }

    /// <summary>Gives <paramref name="message"/> to the current behaviour, and to <c>Unhandled</c> if it declines.</summary>
    private void ReceiveMessage(object message)
    {
        if (!_behavior(message)) _actor!.InvokeUnhandled(message);
    }

    private void AutoReceive(object message)
    {
        switch (message)
        {
            // The wrappers are unwrapped into the current message too, so that Stash() keeps what the actor saw: a stashed
            // wrapper would be dropped on unstash, its watch or timer generation having been used up by this delivery.
            case DeliverTerminated deliver:
                // Dropped if the watcher unwatched after the notification was queued.
                if (_terminatedQueued.Remove(deliver.Actor))
                {
                    _currentMessage = deliver.Message;
                    ReceiveMessage(deliver.Message);
                }
                break;
            case TimerMessage timer:
                if (_timers is not null && _timers.Accept(timer))
                {
                    _currentMessage = timer.Message;
                    ReceiveMessage(timer.Message);
                }
                break;
            case PoisonPill:
                SelfRef.Stop();
                break;
            case Kill:
                throw new ActorKilledException("Kill");
            case Identify identify:
                Sender.Tell(new ActorIdentity(identify.MessageId, SelfRef), SelfRef);
                break;
            default:
                ReceiveMessage(message);
                break;
        }
    }

    /// <summary>Handles one system message.</summary>
    public void SystemInvoke(SystemMessage message)
    {
        try
        {
            switch (message)
            {
                case Create: CreateActor(); break;
                case Terminate: StartTermination(); break;
                case Recreate r: FaultRecreate(r.Cause); break;
                case Suspend: FaultSuspend(); break;
                case Resume r: FaultResume(r.CausedByFailure); break;
                case Failed f: HandleFailed(f); break;
                case Watch w: AddWatcher(w.Watchee, w.Watcher); break;
                case Unwatch u: RemoveWatcher(u.Watchee, u.Watcher); break;
                case DeathWatchNotification d: WatchedActorTerminated(d); break;
                case RunContinuation c: RunContinuation(c); break;
                case AsyncHandlerCompleted a: AsyncHandlerCompleted(a.Task); break;
            }
        }
        catch (Exception e)
        {
            HandleInvokeFailure(e);
        }
    }

    // Behaviour stack: index 0 is the initial behaviour, the last entry is the current one (cached in _behavior).

    public void Become(Receive receive)
    {
        ArgumentNullException.ThrowIfNull(receive);
        if (_behaviors.Count > 0) _behaviors.RemoveAt(_behaviors.Count - 1);
        _behaviors.Add(receive);
        _behavior = receive;
    }

    public void BecomeStacked(Receive receive)
    {
        ArgumentNullException.ThrowIfNull(receive);
        _behaviors.Add(receive);
        _behavior = receive;
    }

    public void UnbecomeStacked()
    {
        if (_behaviors.Count > 1) _behaviors.RemoveAt(_behaviors.Count - 1);
        if (_behaviors.Count > 0) _behavior = _behaviors[^1];
    }

    /// <summary>Builds a new instance from Props and installs its initial behaviour.</summary>
    private void NewActorInstance()
    {
        _behaviors.Clear();
        _behavior = static _ => false;
        _supervisorStrategy = null;
        ActorBase actor;
        t_creating = this;
        try
        {
            actor = Props.NewActor();
        }
        finally
        {
            t_creating = null;
        }
        Receive initial = actor.InitialBehavior();
        _behaviors.Insert(0, initial);   // a Become inside the constructor stays on top of it
        _behavior = _behaviors[^1];
        _actor = actor;
    }

    public override string ToString() => $"ActorCell({SelfRef.Path})";
}
