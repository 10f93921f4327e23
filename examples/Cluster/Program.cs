using Shm.Examples.Cluster;

// The one-command multi-process actor cluster: see Coordinator (the default role) and WorkerNode (--worker).
ClusterSettings settings;
try
{
    settings = ClusterSettings.Parse(args);
}
catch (ArgumentException error)
{
    if (error.Message.Length > 0)
        Console.Error.WriteLine(error.Message);
    Console.Error.WriteLine(ClusterSettings.Usage);
    return 2;
}
return settings.WorkerOf is { } worker
    ? WorkerNode.Run(worker.System, worker.Node, settings.WorkerStartDelay)
    : new Coordinator(settings).Run();
