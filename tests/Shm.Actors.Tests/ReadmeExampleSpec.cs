using Shm.Actors;
using Shm.TestKit.Xunit2;

// Outside the Shm namespace, as in user code: the README's example, compiled and run as a test.
namespace ReadmeExample;

public sealed record Greet(string Who);

public sealed record Greeting(string Text);

public sealed class Greeter : ReceiveActor
{
    private int _greeted;

    public Greeter()
    {
        Receive<Greet>(g =>
        {
            _greeted++;
            Sender.Tell(new Greeting($"Hello, {g.Who} (#{_greeted})"));
        });
    }
}

public sealed class GreeterSpec : TestKit
{
    [Fact]
    public void Greets_back_and_counts()
    {
        IActorRef greeter = Sys.ActorOf(Props.Create(() => new Greeter()), "greeter");
        greeter.Tell(new Greet("Ada"));
        ExpectMsg(new Greeting("Hello, Ada (#1)"));
        greeter.Tell(new Greet("Linus"));
        ExpectMsg<Greeting>(g => g.Text.EndsWith("(#2)"));
    }

    [Fact]
    public async Task Ask_and_watch()
    {
        IActorRef greeter = Sys.ActorOf(Props.Create<Greeter>());
        Greeting reply = await greeter.Ask<Greeting>(new Greet("Grace"), TimeSpan.FromSeconds(3));
        Assert.Equal("Hello, Grace (#1)", reply.Text);
        Watch(greeter);
        greeter.Tell(PoisonPill.Instance);
        ExpectTerminated(greeter);
    }
}
