using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Shm.Hosting;

/// <summary>
/// Starts the actor system with the host (creating it and running every WithActors starter, in order) and stops it with
/// the host through its <see cref="CoordinatedShutdown"/>. If the system terminates by itself (an actor called
/// <c>Terminate</c>, a coordinated shutdown ran), the application is stopped too, as Akka.Hosting does.
/// </summary>
internal sealed class ShmActorSystemHostedService(ShmActorSystemHost host, IServiceProvider services, IHostApplicationLifetime lifetime,
    ILogger<ShmActorSystemHostedService> logger) : IHostedService
{
    private volatile bool _stopping;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ActorSystem system = host.System;
        try
        {
            foreach (Action<ActorSystem, ActorRegistry, IServiceProvider> starter in host.Builder.Starters)
                starter(system, host.Registry, services);
        }
        catch
        {
            // A failed start must not leave a half-started system (and its shared-memory node) behind.
            system.Terminate().Wait(TimeSpan.FromSeconds(10));
            throw;
        }
        system.WhenTerminated.ContinueWith(_ =>
        {
            if (_stopping)
                return;
            logger.LogWarning("Actor system {System} terminated on its own; stopping the application.", system.Name);
            lifetime.StopApplication();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        logger.LogInformation("Actor system {System} started ({Address}).", system.Name, system.Settings.Node is { } node ? $"shm://{system.Name}@{node}" : "local");
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        ActorSystem system = host.System;
        try
        {
            // The host's shutdown timeout cancels the token: stop waiting then, the termination goes on without us.
            await system.Terminate().WaitAsync(cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Actor system {System} stopped.", system.Name);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Actor system {System} did not finish its coordinated shutdown before the host's shutdown timeout.", system.Name);
        }
    }
}
