using Shm.Actors;
using Shm.Actors.Internal;

namespace Shm.Transport.PubSub;

/// <summary>
/// The actor behind <see cref="DistributedPubSub.Mediator"/> (<c>/system/distributedPubSubMediator</c>): keeps this
/// node's subscribers per topic, starts a topic's <see cref="TopicReader"/> with its first local subscriber and stops
/// it with its last, watches subscribers and drops terminated ones. Publishes that reach it (from another node, or
/// through a selection) are published like those the mediator's ref handles on the caller's thread.
/// </summary>
internal sealed class MediatorActor(DistributedPubSub owner) : ActorBase
{
    private readonly Dictionary<string, Topic> _topics = [];
    private readonly Dictionary<IActorRef, HashSet<string>> _topicsOf = [];

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case Publish publish:
                owner.Publish(publish.Topic, publish.Message, Sender);
                return true;
            case Subscribe subscribe:
                OnSubscribe(subscribe);
                return true;
            case Unsubscribe unsubscribe:
                Remove(unsubscribe.Topic, unsubscribe.Ref.Unwrap());
                Sender.Tell(new UnsubscribeAck(unsubscribe), Self);
                return true;
            case Terminated terminated:
                if (_topicsOf.TryGetValue(terminated.ActorRef, out HashSet<string>? topics))
                {
                    foreach (string topic in topics.ToArray())
                        Remove(topic, terminated.ActorRef);
                }
                return true;
            case CreateTopic create:
                OnCreateTopic(create);
                return true;
            case GetTopics:
                Sender.Tell(new CurrentTopics([.. _topics.Keys.Order(StringComparer.Ordinal)]), Self);
                return true;
            default:
                return false;
        }
    }

    private void OnSubscribe(Subscribe subscribe)
    {
        IActorRef subscriber = subscribe.Ref.Unwrap(); // a probe stands for its actor: watch and deliver to that
        TopicRing ring;
        try
        {
            ring = owner.OpenTopic(subscribe.Topic, requestedMode: null);
        }
        catch (Exception error) when (error is ArgumentException or IOException or InvalidOperationException)
        {
            Sender.Tell(new Status.Failure(error, subscribe), Self);
            return;
        }
        if (!_topics.TryGetValue(subscribe.Topic, out Topic? topic))
        {
            // The reader's cursor is placed before the ack goes out: every event published after the ack is read.
            topic = new Topic([subscriber]);
            topic.Reader = new TopicReader(owner, ring, topic.Subscribers);
            _topics.Add(subscribe.Topic, topic);
        }
        else if (topic.Subscribers.Add(subscriber))
        {
            topic.Reader!.SetSubscribers(topic.Subscribers);
        }
        if (!_topicsOf.TryGetValue(subscriber, out HashSet<string>? topics))
        {
            _topicsOf.Add(subscriber, topics = []);
            Context.Watch(subscriber);
        }
        topics.Add(subscribe.Topic);
        Sender.Tell(new SubscribeAck(subscribe), Self);
    }

    private void OnCreateTopic(CreateTopic create)
    {
        try
        {
            TopicRing ring = owner.OpenTopic(create.Topic, create.Mode);
            Sender.Tell(new TopicCreated(create.Topic, ring.Mode, ring.Capacity, ring.MaxEventBytes), Self);
        }
        catch (Exception error) when (error is ArgumentException or IOException or InvalidOperationException)
        {
            Sender.Tell(new Status.Failure(error, create), Self);
        }
    }

    private void Remove(string topicName, IActorRef subscriber)
    {
        if (_topics.TryGetValue(topicName, out Topic? topic) && topic.Subscribers.Remove(subscriber))
        {
            if (topic.Subscribers.Count == 0)
            {
                topic.Reader!.Dispose();
                _topics.Remove(topicName);
            }
            else
            {
                topic.Reader!.SetSubscribers(topic.Subscribers);
            }
        }
        if (_topicsOf.TryGetValue(subscriber, out HashSet<string>? topics) && topics.Remove(topicName) && topics.Count == 0)
        {
            _topicsOf.Remove(subscriber);
            Context.Unwatch(subscriber);
        }
    }

    protected override void PostStop()
    {
        foreach (Topic topic in _topics.Values)
            topic.Reader!.Dispose();
        _topics.Clear();
    }

    /// <summary>A topic with local subscribers: who they are and the reader that feeds them.</summary>
    private sealed class Topic(HashSet<IActorRef> subscribers)
    {
        public HashSet<IActorRef> Subscribers { get; } = subscribers;

        public TopicReader? Reader { get; set; }
    }
}
