using System.Collections.Concurrent;
using Shm.Transport;

namespace Shm.Transport.Tests;

/// <summary>A unique system name per test and its node systems; removes every segment of the system at the end.</summary>
public sealed class TestCluster : IDisposable
{
    private static int s_counter;
    private readonly List<ActorSystem> _systems = [];

    public TestCluster()
    {
        SystemName = $"shmtest-{Environment.ProcessId}-{Interlocked.Increment(ref s_counter)}";
    }

    public string SystemName { get; }

    public string Directory => "/dev/shm";

    public ActorSystem Node(string name, Action<ShmTransportOptions>? configure = null)
    {
        var options = new ShmTransportOptions { NodeName = name, SegmentDirectory = Directory };
        configure?.Invoke(options);
        ActorSystem system = ActorSystem.Create(SystemName, ActorSystemSettings.Default.WithShmTransport(options) with
        {
            RunCoordinatedShutdownOnProcessExit = false,
        });
        _systems.Add(system);
        return system;
    }

    /// <summary>Segment files of this system still present.</summary>
    public string[] Segments() => System.IO.Directory.GetFiles(Directory, SystemName + ".*");

    public void Dispose()
    {
        foreach (ActorSystem system in _systems)
            system.Terminate().Wait(TimeSpan.FromSeconds(30));
        foreach (string file in Segments())
            File.Delete(file);
    }
}

/// <summary>An actor that hands every message (and its sender) to the test.</summary>
public sealed class Collector : ReceiveActor
{
    public Collector(BlockingCollection<(object Message, IActorRef Sender)> into) => ReceiveAny(message => into.Add((message, Sender)));

    public static (IActorRef Ref, BlockingCollection<(object Message, IActorRef Sender)> Inbox) Start(ActorSystem system, string name)
    {
        var inbox = new BlockingCollection<(object, IActorRef)>();
        return (system.ActorOf(Props.Create(() => new Collector(inbox)), name), inbox);
    }
}

public static class InboxExtensions
{
    public static (object Message, IActorRef Sender) Next(this BlockingCollection<(object Message, IActorRef Sender)> inbox, int seconds = 30)
    {
        Assert.True(inbox.TryTake(out var item, TimeSpan.FromSeconds(seconds)), "no message arrived in time");
        return item;
    }

    /// <summary>The next message of type T, skipping others (e.g. membership events of other nodes).</summary>
    public static T Next<T>(this BlockingCollection<(object Message, IActorRef Sender)> inbox, Func<T, bool>? match = null, int seconds = 30)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            (object Message, IActorRef Sender) item = default;
            Assert.True(left > TimeSpan.Zero && inbox.TryTake(out item, left), $"no {typeof(T).Name} arrived in time");
            if (item.Message is T typed && (match is null || match(typed)))
                return typed;
        }
    }
}
