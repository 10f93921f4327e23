using Akka.Actor;
using Akka.Event;

namespace WorkerService;

/// <summary>An order placed by the producer.</summary>
public sealed record PlaceOrder(int Number);

/// <summary>The counter's reply: how many orders it has seen.</summary>
public sealed record OrdersCounted(int Total);

/// <summary>Counts orders, answers each with the total and logs every tenth one (through the host's logging).</summary>
public sealed class OrderCounter : ReceiveActor
{
    private const int LogEvery = 10;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private int _total;

    public OrderCounter()
    {
        Receive<PlaceOrder>(order =>
        {
            _total++;
            if (_total % LogEvery == 0)
                _log.Info("{0} orders counted (last #{1})", _total, order.Number);
            Sender.Tell(new OrdersCounted(_total));
        });
    }
}
