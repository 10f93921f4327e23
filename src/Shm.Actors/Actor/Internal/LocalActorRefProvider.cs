using Shm.Actors.Dispatch;
using Shm.Actors.Event;

namespace Shm.Actors.Internal;

/// <summary>The provider of a system without transport: builds local refs and resolves paths of this system only.</summary>
internal sealed class LocalActorRefProvider : IActorRefProvider
{
    private readonly ActorSystemImpl _system;
    private readonly Dictionary<string, MessageDispatcher> _dispatchers = new(StringComparer.Ordinal);
    private long _tempNumber;

    public LocalActorRefProvider(ActorSystemImpl system, EventStream eventStream)
    {
        _system = system;
        ActorSystemSettings settings = system.Settings;
        DefaultAddress = new Address(Address.LocalProtocol, system.Name, settings.Node);
        RootPath = ActorPath.Root(DefaultAddress);
        DeadLetterRef = new DeadLetterActorRef(RootPath / "deadLetters", eventStream);
        _dispatchers[MessageDispatcher.DefaultDispatcherId] = new MessageDispatcher(MessageDispatcher.DefaultDispatcherId, settings.DefaultThroughput);
        foreach ((string id, int throughput) in settings.Dispatchers) _dispatchers[id] = new MessageDispatcher(id, throughput);
    }

    public Address DefaultAddress { get; }

    public ActorPath RootPath { get; }

    public DeadLetterActorRef DeadLetterRef { get; }

    public IActorRef DeadLetters => DeadLetterRef;

    public LocalActorRef RootGuardian { get; private set; } = null!;

    public LocalActorRef UserGuardian { get; private set; } = null!;

    public LocalActorRef SystemGuardianRef { get; private set; } = null!;

    public IActorRef Guardian => UserGuardian;

    public IActorRef SystemGuardian => SystemGuardianRef;

    /// <summary>Builds <c>/</c>, <c>/user</c> and <c>/system</c>; the root starts last, once its children exist.</summary>
    public void CreateGuardians()
    {
        var bubble = new RootGuardianSupervisor(RootPath / "bubble-walker", _system);
        RootGuardian = CreateLocalActor(Props.Create<RootGuardianActor>(), bubble, RootPath);
        UserGuardian = RootGuardian.Cell.CreateChild(
            Props.Create<GuardianActor>().WithSupervisorStrategy(_system.Settings.GuardianSupervisorStrategy), "user");
        SystemGuardianRef = RootGuardian.Cell.CreateChild(Props.Create<GuardianActor>(), "system");
        RootGuardian.Start();
    }

    /// <summary>Builds (but does not start) a local actor at <paramref name="path"/> with a fresh uid.</summary>
    /// <exception cref="ArgumentException">The props name a dispatcher or mailbox that is not registered.</exception>
    public LocalActorRef CreateLocalActor(Props props, InternalActorRef parent, ActorPath path)
    {
        string dispatcherId = props.Dispatcher ?? MessageDispatcher.DefaultDispatcherId;
        if (!_dispatchers.TryGetValue(dispatcherId, out MessageDispatcher? dispatcher))
            ThrowHelper.ThrowDispatcherNotRegistered(dispatcherId, props, path);
        string mailboxId = props.Mailbox ?? ActorSystemSettings.DefaultMailboxId;
        if (!_system.Settings.Mailboxes.TryGetValue(mailboxId, out MailboxType? mailboxType))
            ThrowHelper.ThrowMailboxNotRegistered(mailboxId, props, path);
        long uid = Random.Shared.NextInt64(1, int.MaxValue);
        return new LocalActorRef(_system, props, dispatcher, mailboxType, parent, path.WithUid(uid));
    }

    public ActorPath TempPath() => RootPath / "temp" / ("$" + ActorNames.Base64(Interlocked.Increment(ref _tempNumber)));

    public IActorRef ResolveActorRef(string path) =>
        ActorPath.TryParse(path, out ActorPath? parsed) ? ResolveActorRef(parsed) : DeadLetters;

    public IActorRef ResolveActorRef(ActorPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Address != DefaultAddress) return DeadLetters;   // other systems need a transport's provider
        IReadOnlyList<string> elements = path.Elements;
        if (elements.Count == 1 && elements[0] == "deadLetters") return DeadLetters;
        InternalActorRef? current = RootGuardian;
        foreach (string element in elements)
        {
            current = current.GetSingleChild(element);
            if (current is null) return DeadLetters;
        }
        if (path.Uid != ActorPath.UndefinedUid && current.Path.Uid != path.Uid) return DeadLetters;
        return current;
    }
}
