using Akka.Actor;
using Akka.Hosting;
using Shm.Hosting;
using WorkerService;

// A worker service whose Akka.NET actor system "orders" is a node on shared memory (akka.remote.shm): start a second
// copy with another host name (dotnet run -- --Shm:HostName=worker-2) and `shm nodes orders` lists both.
HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);

builder.Services.Configure<WorkerOptions>(builder.Configuration.GetSection("Worker"));
builder.Services.AddAkka("orders", (akka, services) => akka
    .ConfigureLoggers(loggers => { loggers.ClearLoggers(); loggers.AddLoggerFactory(); })   // actor logs go to the host's logging
    .WithShmRemoting(services.GetRequiredService<IConfiguration>().GetSection("Shm"))     // appsettings.json "Shm": ShmRemotingOptions
    .WithActors((system, registry) =>
        registry.Register<OrderCounter>(system.ActorOf(Props.Create<OrderCounter>(), "order-counter"))));
builder.Services.AddHostedService<OrderProducer>();

await builder.Build().RunAsync();
