using Akka.Actor;

namespace Shm.Remote.Tests;

public sealed class RemotingTests : Akka.TestKit.Xunit2.TestKit
{
    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(message => Sender.Tell(message));
    }

    [Fact]
    public async Task Two_systems_tell_and_ask_over_shm()
    {
        using var nodes = new RemoteNodes();
        ActorSystem a = nodes.Start("a");
        ActorSystem b = nodes.Start("b");
        b.ActorOf(Props.Create(() => new Echo()), "echo");
        ActorSelection echo = a.ActorSelection(new RootActorPath(nodes.AddressOf("b")) / "user" / "echo");
        string reply = await echo.Ask<string>("hello", TimeSpan.FromSeconds(20));
        Assert.Equal("hello", reply);
    }
}
