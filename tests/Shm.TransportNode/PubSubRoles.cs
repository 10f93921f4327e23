using System.Globalization;
using System.Runtime.CompilerServices;
using Shm.Actors;
using Shm.Transport.PubSub;

namespace Shm.TransportNode;

/// <summary>Tells the node's pub/sub subscriber to subscribe to <paramref name="Topic"/> and report to <paramref name="ReportTo"/>.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="ReportTo">Receives <see cref="TopicSubscribed"/>, <see cref="HoldingFirstEvent"/> and <see cref="TopicUnsubscribed"/>.</param>
/// <param name="HoldFirstEvent">Block the subscriber on its first event until <see cref="ReleaseHeldEvent"/> reaches the node's pub/sub control actor.</param>
public sealed record SubscribeTopic(string Topic, IActorRef ReportTo, bool HoldFirstEvent);

/// <summary>The subscriber's SubscribeAck arrived.</summary>
public sealed record TopicSubscribed(string Node, string Topic);

/// <summary>The subscriber took its first event and now blocks until released.</summary>
public sealed record HoldingFirstEvent(string Node, long Value);

/// <summary>To the pub/sub control actor: let a held subscriber go on.</summary>
public sealed record ReleaseHeldEvent;

/// <summary>Tells the subscriber to unsubscribe from <paramref name="Topic"/>.</summary>
public sealed record UnsubscribeTopic(string Topic);

/// <summary>The subscriber's UnsubscribeAck arrived.</summary>
public sealed record TopicUnsubscribed(string Node, string Topic);

/// <summary>Asks the subscriber for a <see cref="SubscriberProgress"/>.</summary>
public sealed record ReportProgress;

/// <summary>
/// What a subscriber of a stream of consecutive longs saw. <paramref name="OutOfOrder"/> counts events that were not the
/// one expected after the previous event and the losses reported since: zero means every reported loss had the right
/// count and every other event came in order.
/// </summary>
public sealed record SubscriberProgress(string Node, long Received, long Lost, long LossNotices, long OutOfOrder, long LastValue, string FirstSender);

/// <summary>
/// Role "pubsub[:MAX_PENDING]": starts DistributedPubSub (with MaxPendingPerSubscriber = MAX_PENDING when given), a
/// subscriber actor "pubsub-subscriber" (see <see cref="PubSubSubscriber"/>) and a control actor "pubsub-control".
/// </summary>
public static class PubSubRoles
{
    [ModuleInitializer]
    internal static void Register() => NodeRoles.Register("pubsub", Start);

    private static void Start(ActorSystem system, string argument)
    {
        DistributedPubSubSettings settings = argument.Length == 0
            ? DistributedPubSubSettings.Default
            : DistributedPubSubSettings.Default with { MaxPendingPerSubscriber = int.Parse(argument, CultureInfo.InvariantCulture) };
        DistributedPubSub.Get(system, settings);
        var gate = new ManualResetEventSlim();
        system.ActorOf(Props.Create(() => new PubSubSubscriber(gate)), "pubsub-subscriber");
        system.ActorOf(Props.Create(() => new PubSubControl(gate)), "pubsub-control");
    }
}

/// <summary>Opens the gate a held subscriber waits on (it runs on another actor, so it can while the subscriber blocks).</summary>
public sealed class PubSubControl : ReceiveActor
{
    public PubSubControl(ManualResetEventSlim gate) => Receive<ReleaseHeldEvent>(_ => gate.Set());
}

/// <summary>
/// Subscribes through the node's mediator when told, and checks a stream of consecutive longs: each event must be the
/// previous one + 1, or + 1 + the count of a <see cref="TopicEventsLost"/> received in between.
/// </summary>
public sealed class PubSubSubscriber : ReceiveActor
{
    private static readonly TimeSpan s_maxHold = TimeSpan.FromMinutes(2);
    private readonly string _node;
    private IActorRef _reportTo = ActorRefs.Nobody;
    private bool _hold;
    private long _received;
    private long _lost;
    private long _lossNotices;
    private long _outOfOrder;
    private long _expected = -1;
    private long _last = -1;
    private string _firstSender = "";

    public PubSubSubscriber(ManualResetEventSlim gate)
    {
        _node = Self.Path.Address.Host ?? "";
        IActorRef mediator = DistributedPubSub.Get(Context.System).Mediator;
        Receive<SubscribeTopic>(subscribe =>
        {
            _reportTo = subscribe.ReportTo;
            _hold = subscribe.HoldFirstEvent;
            mediator.Tell(new Subscribe(subscribe.Topic, Self), Self);
        });
        Receive<SubscribeAck>(ack => _reportTo.Tell(new TopicSubscribed(_node, ack.Subscribe.Topic), Self));
        Receive<UnsubscribeTopic>(unsubscribe => mediator.Tell(new Unsubscribe(unsubscribe.Topic, Self), Self));
        Receive<UnsubscribeAck>(ack => _reportTo.Tell(new TopicUnsubscribed(_node, ack.Unsubscribe.Topic), Self));
        Receive<long>(value =>
        {
            if (_received++ == 0)
            {
                _firstSender = Sender.Path.ToString();
                if (_hold)
                {
                    _reportTo.Tell(new HoldingFirstEvent(_node, value), Self);
                    gate.Wait(s_maxHold);
                }
            }
            else if (value != _expected)
            {
                _outOfOrder++;
            }
            _expected = value + 1;
            _last = value;
        });
        Receive<TopicEventsLost>(lost =>
        {
            _lost += lost.Count;
            _lossNotices++;
            _expected += lost.Count;
        });
        Receive<ReportProgress>(_ => Sender.Tell(new SubscriberProgress(_node, _received, _lost, _lossNotices, _outOfOrder, _last, _firstSender), Self));
    }
}
