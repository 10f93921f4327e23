using System.Collections.Concurrent;
using Akka.Remote.Transport;

namespace Shm.Transport.Tests;

/// <summary>Collects what a transport or one association reports, for a test to take in order.</summary>
internal sealed class EventCollector : IAssociationEventListener, IHandleEventListener
{
    private readonly BlockingCollection<object> _events = [];

    public void Notify(IAssociationEvent ev) => _events.Add(ev);

    public void Notify(IHandleEvent ev) => _events.Add(ev);

    /// <summary>The next event, waiting up to 30 s.</summary>
    public T Take<T>()
    {
        Assert.True(_events.TryTake(out object? next, TimeSpan.FromSeconds(30)), $"no {typeof(T).Name} arrived in time");
        return Assert.IsType<T>(next);
    }

    /// <summary>The next payload's bytes.</summary>
    public byte[] TakePayload() => Take<InboundPayload>().Payload.ToByteArray();

    /// <summary>Whether nothing is waiting now.</summary>
    public bool IsEmpty => _events.Count == 0;
}
