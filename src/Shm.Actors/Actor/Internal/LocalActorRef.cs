using Shm.Actors.Dispatch;

namespace Shm.Actors.Internal;

/// <summary>The ref of an actor in this process: Tell goes straight into its mailbox.</summary>
internal sealed class LocalActorRef : InternalActorRef
{
    private readonly ActorPath _path;

    public LocalActorRef(ActorSystemImpl system, Props props, MessageDispatcher dispatcher, MailboxType mailboxType, InternalActorRef parent, ActorPath path)
    {
        _path = path;
        var mailbox = new Mailbox(mailboxType.Create(this, system), dispatcher.Throughput);
        Cell = new ActorCell(system, this, props, dispatcher, parent, mailbox);
        mailbox.SetCell(Cell);
    }

    public ActorCell Cell { get; }

    public override ActorPath Path => _path;

    public override InternalActorRef Parent => Cell.ParentRef;

    public override bool IsTerminated => Cell.Mailbox.IsClosed;

    public override void Tell(object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        Cell.Mailbox.Post(this, new Envelope(message, sender));
    }

    public override void SendSystemMessage(SystemMessage message) => Cell.Mailbox.PostSystem(message);

    public override void Stop() => Cell.Mailbox.PostSystem(new Terminate());

    public void Start() => Cell.Start();

    public override InternalActorRef? GetSingleChild(string name) => Cell.GetSingleChild(name);

    public override IEnumerable<InternalActorRef> GetChildren() => Cell.ChildRefs;
}
