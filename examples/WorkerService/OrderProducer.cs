using Microsoft.Extensions.Options;
using Shm.Actors;
using Shm.Hosting;

namespace WorkerService;

/// <summary>A background service that uses an actor from the registry: places an order every interval and logs the count.</summary>
public sealed class OrderProducer(IRequiredActor<OrderCounterKey> counter, IOptions<WorkerOptions> options, ILogger<OrderProducer> logger)
    : BackgroundService
{
    private static readonly TimeSpan s_askTimeout = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The actor system registers the counter while the host starts; waiting here costs nothing if it already has.
        IActorRef orders = await counter.GetAsync(stoppingToken);
        using var timer = new PeriodicTimer(options.Value.Interval);
        int number = 0;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            OrdersCounted counted = await orders.Ask<OrdersCounted>(new PlaceOrder(++number), s_askTimeout, stoppingToken);
            logger.LogDebug("Order {Number} placed; {Total} counted", number, counted.Total);
        }
    }
}
