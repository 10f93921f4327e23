namespace Shm.Actors.Dispatch;

/// <summary>A mailbox type whose queues hold at most <see cref="Capacity"/> messages (see <see cref="BoundedMessageQueue"/>).</summary>
public sealed class BoundedMailbox : MailboxType, IProducesMessageQueue<BoundedMessageQueue>
{
    /// <summary>Creates the type.</summary>
    /// <param name="capacity">Messages per actor, at least 1.</param>
    /// <param name="pushTimeOut">How long a producer waits for room; zero never waits.</param>
    public BoundedMailbox(int capacity, TimeSpan pushTimeOut)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pushTimeOut, TimeSpan.Zero);
        Capacity = capacity;
        PushTimeOut = pushTimeOut;
    }

    /// <summary>Messages per actor.</summary>
    public int Capacity { get; }

    /// <summary>How long a producer waits for room before the message is dead-lettered.</summary>
    public TimeSpan PushTimeOut { get; }

    /// <inheritdoc />
    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new BoundedMessageQueue(Capacity, PushTimeOut, system.DeadLetters);
}
