using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Options;

namespace WorkerService;

/// <summary>
/// A background service that uses an actor from Akka.Hosting's registry: places an order every interval and logs the
/// count the <see cref="OrderCounter"/> answers.
/// </summary>
public sealed class OrderProducer(IRequiredActor<OrderCounter> counter, IOptions<WorkerOptions> options, ILogger<OrderProducer> logger)
    : BackgroundService
{
    private static readonly TimeSpan s_askTimeout = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Akka.Hosting registers the counter while the host starts; waiting here costs nothing if it already has.
        IActorRef orders = await counter.GetAsync(stoppingToken);
        using var timer = new PeriodicTimer(options.Value.Interval);
        int number = 0;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            OrdersCounted counted = await orders.Ask<OrdersCounted>(new PlaceOrder(++number), s_askTimeout, stoppingToken);
            logger.LogInformation("Order {Number} placed; {Total} counted", number, counted.Total);
        }
    }
}
