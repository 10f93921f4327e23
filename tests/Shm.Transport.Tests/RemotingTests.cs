using Akka.Actor;
using Akka.Event;
using Shm.TestKit;

namespace Shm.Transport.Tests;

/// <summary>
/// Akka.Remote over shm between two actor systems of this process, as a user's actors see it: the test kit's system is
/// node "a" (its payload limit 4096 bytes), and each test starts a node "b" beside it.
/// </summary>
public sealed class RemotingTests : Akka.TestKit.Xunit2.TestKit
{
    private const int PayloadLimit = 4096;
    private readonly ShmNodes _nodes;

    public RemotingTests() : this(new ShmNodes())
    {
    }

    private RemotingTests(ShmNodes nodes) : base(nodes.ConfigOf("a", configure: o => o.MaximumPayloadBytes = PayloadLimit), nodes.SystemName)
    {
        _nodes = nodes;
    }

    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(message => Sender.Tell(message));
    }

    private async Task<IActorRef> StartEchoOnB()
    {
        ActorSystem b = _nodes.Start("b", configure: o => o.MaximumPayloadBytes = PayloadLimit);
        b.ActorOf(Props.Create(() => new Echo()), "echo");
        return await Sys.ActorSelection(new RootActorPath(_nodes.AddressOf("b")) / "user" / "echo").ResolveOne(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Tell_ask_and_order_between_two_systems()
    {
        IActorRef echo = await StartEchoOnB();
        Assert.Equal(_nodes.AddressOf("b"), echo.Path.Address);
        Assert.Equal("hello", await echo.Ask<string>("hello", TimeSpan.FromSeconds(20)));
        for (int i = 0; i < 1000; i++)
            echo.Tell(i, TestActor);
        for (int i = 0; i < 1000; i++)
            ExpectMsg(i);
    }

    [Fact]
    public async Task A_message_over_the_payload_limit_is_dropped_and_the_association_lives_on()
    {
        IActorRef echo = await StartEchoOnB();
        // Akka.Remote's writer refuses it before the transport (the exception type is internal to Akka.Remote).
        await EventFilter.Custom(logEvent => logEvent is Error { Cause: { } cause } && cause.GetType().Name == "OversizedPayloadException")
            .ExpectOneAsync(() =>
            {
                echo.Tell(new string('x', 2 * PayloadLimit), TestActor);
                return Task.CompletedTask;
            });
        echo.Tell("small", TestActor);
        ExpectMsg("small"); // the big one never arrives, and nothing after it is lost
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        _nodes.Dispose();
    }
}
