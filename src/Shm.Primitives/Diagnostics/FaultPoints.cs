namespace Shm.Primitives.Diagnostics;

/// <summary>The name of every fault point, so a crash campaign can enumerate them.</summary>
internal static class FaultPoints
{
    /// <summary>ShmQueue: a producer owns a slot (tail advanced), its value not yet committed.</summary>
    public const string QueuePushClaimed = "queue.push.claimed";

    /// <summary>ShmQueue: a consumer owns a slot (head advanced), the slot not yet released.</summary>
    public const string QueuePopClaimed = "queue.pop.claimed";

    /// <summary>ShmQueue.EnqueueMany: a batch of slots claimed, none committed.</summary>
    public const string QueuePushManyClaimed = "queue.pushmany.claimed";

    /// <summary>ShmQueue.DequeueMany: a batch of slots claimed, none released.</summary>
    public const string QueuePopManyClaimed = "queue.popmany.claimed";

    /// <summary>ShmByteQueue, lock held: push wrote its payload/descriptors, journal not committed.</summary>
    public const string ByteQueuePushStaged = "bytequeue.push.staged";

    /// <summary>ShmByteQueue, lock held: push journal committed, state not applied.</summary>
    public const string ByteQueuePushCommitted = "bytequeue.push.committed";

    /// <summary>ShmByteQueue, lock held: push state half applied.</summary>
    public const string ByteQueuePushApplying = "bytequeue.push.applying";

    /// <summary>ShmByteQueue, lock held: pushfront wrote its payload/descriptors, journal not committed.</summary>
    public const string ByteQueuePushFrontStaged = "bytequeue.pushfront.staged";

    /// <summary>ShmByteQueue, lock held: pushfront journal committed, state not applied.</summary>
    public const string ByteQueuePushFrontCommitted = "bytequeue.pushfront.committed";

    /// <summary>ShmByteQueue, lock held: pushfront state half applied.</summary>
    public const string ByteQueuePushFrontApplying = "bytequeue.pushfront.applying";

    /// <summary>ShmByteQueue, lock held: pop wrote its payload/descriptors, journal not committed.</summary>
    public const string ByteQueuePopStaged = "bytequeue.pop.staged";

    /// <summary>ShmByteQueue, lock held: pop journal committed, state not applied.</summary>
    public const string ByteQueuePopCommitted = "bytequeue.pop.committed";

    /// <summary>ShmByteQueue, lock held: pop state half applied.</summary>
    public const string ByteQueuePopApplying = "bytequeue.pop.applying";

    /// <summary>ShmByteQueue, lock held: popback wrote its payload/descriptors, journal not committed.</summary>
    public const string ByteQueuePopBackStaged = "bytequeue.popback.staged";

    /// <summary>ShmByteQueue, lock held: popback journal committed, state not applied.</summary>
    public const string ByteQueuePopBackCommitted = "bytequeue.popback.committed";

    /// <summary>ShmByteQueue, lock held: popback state half applied.</summary>
    public const string ByteQueuePopBackApplying = "bytequeue.popback.applying";

    /// <summary>ShmByteQueue, lock held: pushmany wrote its payload/descriptors, journal not committed.</summary>
    public const string ByteQueuePushManyStaged = "bytequeue.pushmany.staged";

    /// <summary>ShmByteQueue, lock held: pushmany journal committed, state not applied.</summary>
    public const string ByteQueuePushManyCommitted = "bytequeue.pushmany.committed";

    /// <summary>ShmByteQueue, lock held: pushmany state half applied.</summary>
    public const string ByteQueuePushManyApplying = "bytequeue.pushmany.applying";

    /// <summary>ShmByteQueue, lock held: popmany wrote its payload/descriptors, journal not committed.</summary>
    public const string ByteQueuePopManyStaged = "bytequeue.popmany.staged";

    /// <summary>ShmByteQueue, lock held: popmany journal committed, state not applied.</summary>
    public const string ByteQueuePopManyCommitted = "bytequeue.popmany.committed";

    /// <summary>ShmByteQueue, lock held: popmany state half applied.</summary>
    public const string ByteQueuePopManyApplying = "bytequeue.popmany.applying";

    /// <summary>ShmPubSub: a publisher took its position, its slot untouched.</summary>
    public const string PubSubPublishClaimed = "pubsub.publish.claimed";

    /// <summary>ShmPubSub: a publisher marked its slot "writing", the value not committed.</summary>
    public const string PubSubPublishWriting = "pubsub.publish.writing";

    /// <summary>ShmPubSub.PublishMany: a run of positions taken, no slot touched.</summary>
    public const string PubSubPublishManyClaimed = "pubsub.publishmany.claimed";

    /// <summary>ShmBytePubSub, lock held: a slot marked writing, its length and data not written.</summary>
    public const string BytePubSubPublishWriting = "bytepubsub.publish.writing";

    /// <summary>ShmBytePubSub, lock held: the slot committed, the write position not advanced.</summary>
    public const string BytePubSubPublishCommitted = "bytepubsub.publish.committed";

    /// <summary>ShmBytePubSub.PublishMany, lock held: every slot committed, the write position not advanced.</summary>
    public const string BytePubSubPublishManyCommitted = "bytepubsub.publishmany.committed";

    /// <summary>ShmReqRep client: a response slot acquired, the request not yet in the queue.</summary>
    public const string ReqRepClientAcquired = "reqrep.client.acquired";

    /// <summary>ShmReqRep client: the request queued, the client not yet waiting.</summary>
    public const string ReqRepClientSent = "reqrep.client.sent";

    /// <summary>ShmReqRep client: the response copied out of its slot, the slot not yet freed.</summary>
    public const string ReqRepClientReading = "reqrep.client.reading";

    /// <summary>ShmReqRep server: a request's slot marked taken, the request not yet removed from the queue.</summary>
    public const string ReqRepServerTaken = "reqrep.server.taken";

    /// <summary>ShmReqRep server: a slot marked writing, the response not yet complete.</summary>
    public const string ReqRepServerWriting = "reqrep.server.writing";

    public static readonly IReadOnlyList<string> All =
    [
        ReqRepClientAcquired,
        ReqRepClientSent,
        ReqRepClientReading,
        ReqRepServerTaken,
        ReqRepServerWriting,
        QueuePushClaimed,
        QueuePopClaimed,
        QueuePushManyClaimed,
        QueuePopManyClaimed,
        PubSubPublishClaimed,
        PubSubPublishWriting,
        PubSubPublishManyClaimed,
        BytePubSubPublishWriting,
        BytePubSubPublishCommitted,
        BytePubSubPublishManyCommitted,
        ByteQueuePushStaged,
        ByteQueuePushCommitted,
        ByteQueuePushApplying,
        ByteQueuePushFrontStaged,
        ByteQueuePushFrontCommitted,
        ByteQueuePushFrontApplying,
        ByteQueuePopStaged,
        ByteQueuePopCommitted,
        ByteQueuePopApplying,
        ByteQueuePopBackStaged,
        ByteQueuePopBackCommitted,
        ByteQueuePopBackApplying,
        ByteQueuePushManyStaged,
        ByteQueuePushManyCommitted,
        ByteQueuePushManyApplying,
        ByteQueuePopManyStaged,
        ByteQueuePopManyCommitted,
        ByteQueuePopManyApplying,
    ];
}
