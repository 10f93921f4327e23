using Shm.Actors;
using Shm.Hosting;
using WorkerService;

// A worker service whose actor system is a node of the shared-memory system "orders": start two copies with different
// node names (dotnet run -- --Shm:NodeName=worker-2) and `shm nodes orders` lists both.
HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);

builder.Services.Configure<WorkerOptions>(builder.Configuration.GetSection("Worker"));
builder.Services.AddShmActorSystem("orders", shm => shm
    .WithShmTransport(builder.Configuration.GetSection("Shm"))
    .WithActors((system, registry) =>
        registry.Register<OrderCounterKey>(system.ActorOf(Props.Create<OrderCounter>(), "order-counter"))));
builder.Services.AddHostedService<OrderProducer>();

await builder.Build().RunAsync();
