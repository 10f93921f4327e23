using Shm.Examples.Cluster;

// The one-command multi-process Akka.NET cluster: see Coordinator (the default role) and WorkerNode (--worker).
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
if (settings.WorkerOf is not null)
    return WorkerNode.Run(settings);

using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // finish through the runs' clean-up
    interrupted.Cancel();
};
if (!settings.Compare)
{
    Summary summary = new Coordinator(settings, interrupted.Token).Run();
    summary.Print();
    if (settings.JsonPath is { } path)
        summary.WriteJson(path);
    return summary.Passed ? 0 : 1;
}
Summary shm = new Coordinator(settings with { Transport = ClusterTransport.Shm }, interrupted.Token).Run();
shm.Print();
if (interrupted.IsCancellationRequested)
    return 1; // Ctrl+C: no second run
Console.WriteLine();
Summary tcp = new Coordinator(settings with { Transport = ClusterTransport.Tcp }, interrupted.Token).Run();
tcp.Print();
var comparison = new ComparisonSummary(shm, tcp);
comparison.Print();
if (settings.JsonPath is { } comparePath)
    comparison.WriteJson(comparePath);
return comparison.Passed ? 0 : 1;
