using System.Collections.Concurrent;
using Shm.Transport.Driver;
using Shm.Transport.Spi;

namespace Shm.Transport.Tests;

/// <summary>The shm driver through the driver SPI alone: opaque payloads, no actors, no serialization.</summary>
public sealed class DriverTests
{
    private sealed class Listener : IAssociationEventListener, IHandleEventListener
    {
        public BlockingCollection<AssociationHandle> Associations { get; } = new();

        public BlockingCollection<object> Events { get; } = new();

        public void Notify(IAssociationEvent associationEvent)
        {
            if (associationEvent is InboundAssociation inbound)
            {
                inbound.Handle.ReadHandlerSource.SetResult(this);
                Associations.Add(inbound.Handle);
            }
        }

        public void Notify(IHandleEvent handleEvent) =>
            Events.Add(handleEvent is InboundPayload payload ? payload.Payload.ToArray() : handleEvent); // payloads are only valid during Notify
    }

    private static T Take<T>(BlockingCollection<T> from)
    {
        Assert.True(from.TryTake(out T? item, TimeSpan.FromSeconds(30)), "nothing arrived in time");
        return item!;
    }

    [Fact]
    public async Task Two_drivers_associate_exchange_ordered_payloads_and_report_a_clean_leave()
    {
        string system = $"shmtest-{Environment.ProcessId}-driver-{Guid.NewGuid():N}";
        var options = new ShmTransportOptions { NodeName = "a" };
        var log = new DriverLog(_ => { }, (_, _) => { });
        using var a = new ShmTransportDriver(system, options, log);
        using var b = new ShmTransportDriver(system, new ShmTransportOptions { NodeName = "b" }, log);
        try
        {
            var (boundA, promiseA) = await a.Listen();
            var (boundB, promiseB) = await b.Listen();
            Assert.Equal($"shm://{system}@a", boundA.ToString());
            Assert.True(a.IsResponsibleFor(boundB));
            var listenerA = new Listener();
            var listenerB = new Listener();
            promiseA.SetResult(listenerA);
            promiseB.SetResult(listenerB);

            AssociationHandle toB = Take(listenerA.Associations); // every node that is up is offered as an association
            Assert.Equal(boundB, toB.RemoteAddress);
            Assert.Same(toB, await a.Associate(boundB));
            AssociationHandle toA = Take(listenerB.Associations);

            for (int i = 0; i < 1000; i++)
                Assert.True(toB.Write(BitConverter.GetBytes(i)));
            for (int i = 0; i < 1000; i++)
                Assert.Equal(i, BitConverter.ToInt32((byte[])Take(listenerB.Events)));
            Assert.True(toA.Write("back"u8));
            Assert.Equal("back"u8.ToArray(), (byte[])Take(listenerA.Events));

            await b.Shutdown();
            Assert.Equal(new Disassociated(DisassociateInfo.Shutdown), Take(listenerA.Events));
            Assert.False(toB.Write("after"u8));
            await Assert.ThrowsAsync<InvalidAssociationException>(() => a.Associate(boundB));
        }
        finally
        {
            await a.Shutdown();
            foreach (string file in Directory.GetFiles("/dev/shm", system + ".*"))
                File.Delete(file);
        }
    }
}
