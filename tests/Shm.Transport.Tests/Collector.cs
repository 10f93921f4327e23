using System.Collections.Concurrent;

namespace Shm.Transport.Tests;

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
