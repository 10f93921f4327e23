using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;

namespace Shm.Actors.PubSub;

/// <summary>
/// The mediator actor of this node (<c>/system/shm-pubsub</c>): keeps the local subscribers of each topic and the one
/// <see cref="TopicReader"/> per topic that has any, the actors <c>Put</c> here, and answers as Akka's mediator does.
/// Publishes that reach it (sent to its path) are written like those told to <see cref="MediatorRef"/>.
/// </summary>
internal sealed class TopicMediator : ReceiveActor
{
    private readonly ShmPubSub _owner;
    private readonly Dictionary<string, LocalTopic> _topics = [];
    private readonly Dictionary<string, IActorRef> _registered = []; // by path without address: what Put added
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public TopicMediator(ShmPubSub owner)
    {
        _owner = owner;
        Receive<Subscribe>(OnSubscribe);
        Receive<Unsubscribe>(OnUnsubscribe);
        Receive<Publish>(publish =>
        {
            if (publish.SendOneMessageToEachGroup)
                NoGroups(publish.Topic, publish.Message); // no groups here: Akka would deliver it to none either
            else
                _owner.Publish(publish.Topic, publish.Message, Sender);
        });
        Receive<GetTopics>(_ => Sender.Tell(new CurrentTopics(_owner.TopicsOnTheBox())));
        Receive<Put>(OnPut);
        Receive<Remove>(remove => Unregister(remove.Path));
        Receive<Send>(send =>
        {
            if (_registered.TryGetValue(send.Path, out IActorRef? target))
                target.Forward(send.Message);
            else
                Context.System.DeadLetters.Tell(new DeadLetter(send.Message, Sender, Self), Sender);
        });
        Receive<SendToAll>(all => _owner.Publish(ShmPubSub.PathTopicPrefix + all.Path, all.Message, Sender, all.ExcludeSelf));
        Receive<Terminated>(terminated => Forget(terminated.ActorRef));
    }

    private void OnSubscribe(Subscribe subscribe)
    {
        if (subscribe.Group is not null)
        {
            Sender.Tell(new Status.Failure(new NotSupportedException(
                $"Shm pub/sub has no subscriber groups: '{subscribe.Group}' on topic '{subscribe.Topic}' was not subscribed. Subscribe without a group.")));
            return;
        }
        try
        {
            Add(subscribe.Topic, subscribe.Ref);
        }
        catch (Exception error) when (error is ArgumentException or IOException or ObjectDisposedException)
        {
            Sender.Tell(new Status.Failure(error)); // the topic's name is not valid, or its ring cannot be opened
            return;
        }
        Sender.Tell(new SubscribeAck(subscribe));
    }

    private void OnUnsubscribe(Unsubscribe unsubscribe)
    {
        Remove(unsubscribe.Topic, unsubscribe.Ref);
        Sender.Tell(new UnsubscribeAck(unsubscribe));
    }

    private void OnPut(Put put)
    {
        if (put.Ref.Path.Address.HasGlobalScope && !put.Ref.Path.Address.Equals(((ExtendedActorSystem)Context.System).Provider.DefaultAddress))
        {
            _log.Warning("Put of {0} refused: only actors of this node can be put (as with Akka's mediator).", put.Ref);
            return;
        }
        string path = put.Ref.Path.ToStringWithoutAddress();
        Unregister(path);
        _registered[path] = put.Ref;
        Add(ShmPubSub.PathTopicPrefix + path, put.Ref);
    }

    private void Unregister(string path)
    {
        if (_registered.Remove(path, out IActorRef? previous))
            Remove(ShmPubSub.PathTopicPrefix + path, previous);
    }

    private void Add(string topic, IActorRef subscriber)
    {
        if (!_topics.TryGetValue(topic, out LocalTopic? local))
        {
            TopicRing ring = _owner.Ring(topic);
            local = new LocalTopic();
            _topics[topic] = local;
            local.Subscribers.Add(subscriber);
            local.Reader = new TopicReader(_owner, ring, [.. local.Subscribers]); // its cursor is at the ring's end before the ack
        }
        else if (local.Subscribers.Add(subscriber))
        {
            local.Reader!.SetSubscribers([.. local.Subscribers]);
        }
        Context.Watch(subscriber);
    }

    private void Remove(string topic, IActorRef subscriber)
    {
        if (!_topics.TryGetValue(topic, out LocalTopic? local) || !local.Subscribers.Remove(subscriber))
            return;
        if (local.Subscribers.Count == 0)
        {
            local.Reader!.Dispose();
            _topics.Remove(topic);
        }
        else
        {
            local.Reader!.SetSubscribers([.. local.Subscribers]);
        }
        if (!_topics.Values.Any(t => t.Subscribers.Contains(subscriber)))
            Context.Unwatch(subscriber);
    }

    private void Forget(IActorRef subscriber)
    {
        foreach (string topic in _topics.Where(entry => entry.Value.Subscribers.Contains(subscriber)).Select(entry => entry.Key).ToList())
            Remove(topic, subscriber);
        foreach (string path in _registered.Where(entry => entry.Value.Equals(subscriber)).Select(entry => entry.Key).ToList())
            _registered.Remove(path);
    }

    private void NoGroups(string topic, object message)
    {
        _log.Warning("A Publish to one subscriber of each group of topic '{0}' delivered nothing: shm pub/sub has no subscriber groups.", topic);
        Context.System.DeadLetters.Tell(new DeadLetter(message, Sender, Self), Sender);
    }

    protected override void PostStop()
    {
        foreach (LocalTopic local in _topics.Values)
            local.Reader?.Dispose();
        _topics.Clear();
    }

    private sealed class LocalTopic
    {
        public HashSet<IActorRef> Subscribers { get; } = [];

        public TopicReader? Reader { get; set; }
    }
}
