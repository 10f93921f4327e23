using Shm.Actors.Event;

namespace Shm.Actors.Tests;

public sealed class EventStreamSpec : ActorSpec
{
    private abstract record Animal(string Name);

    private sealed record Dog(string Name) : Animal(Name), IBarks;

    private sealed record Cat(string Name) : Animal(Name);

    private interface IBarks;

    [Fact]
    public void Subscribers_get_events_of_the_type_and_its_subtypes_once()
    {
        Assert.True(Sys.EventStream.Subscribe<Animal>(TestActor));
        Assert.True(Sys.EventStream.Subscribe<IBarks>(TestActor));
        Assert.False(Sys.EventStream.Subscribe<Animal>(TestActor));
        Sys.EventStream.Publish(new Dog("rex"));
        Sys.EventStream.Publish(new Cat("tom"));
        Sys.EventStream.Publish("not an animal");
        ExpectMsg(new Dog("rex"));
        ExpectMsg(new Cat("tom"));
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Unsubscribing_a_subtype_excludes_only_that_subtype()
    {
        Sys.EventStream.Subscribe<Animal>(TestActor);
        Assert.True(Sys.EventStream.Unsubscribe<Cat>(TestActor));
        Sys.EventStream.Publish(new Cat("tom"));
        Sys.EventStream.Publish(new Dog("rex"));
        ExpectMsg(new Dog("rex"));
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Unsubscribe_all()
    {
        Sys.EventStream.Subscribe<Animal>(TestActor);
        Sys.EventStream.Subscribe<string>(TestActor);
        Sys.EventStream.Unsubscribe(TestActor);
        Sys.EventStream.Publish(new Dog("rex"));
        Sys.EventStream.Publish("s");
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Dead_subscribers_are_unsubscribed_automatically()
    {
        IActorRef subscriber = Sys.ActorOf(Props.Create(() => new Subscriber(TestActor)));
        ExpectMsg("subscribed");
        Sys.EventStream.Publish(new Dog("one"));
        ExpectMsg(new Dog("one"));
        Sys.EventStream.Subscribe<DeadLetter>(TestActor);
        Watch(subscriber);
        Sys.Stop(subscriber);
        ExpectTerminated(subscriber);
        // Once the unsubscriber has seen the death, publishing no longer reaches the dead ref (no dead letter for it).
        AwaitAssert(() =>
        {
            Sys.EventStream.Publish(new Dog("probe"));
            ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        });
    }

    [Fact]
    public void Unhandled_messages_are_published()
    {
        Sys.EventStream.Subscribe<UnhandledMessage>(TestActor);
        IActorRef actor = Sys.ActorOf(Props.Create<Subscriber>(TestActor));
        ExpectMsg("subscribed");
        actor.Tell(3.14);
        var unhandled = ExpectMsg<UnhandledMessage>();
        Assert.Equal(3.14, unhandled.Message);
        Assert.Equal(TestActor, unhandled.Sender);
    }

    [Fact]
    public void Suppressed_dead_letters_are_published_separately()
    {
        Sys.EventStream.Subscribe<AllDeadLetters>(TestActor);
        IActorRef actor = Sys.ActorOf(Props.Create<EchoActor>());
        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor);
        actor.Tell(PoisonPill.Instance);
        actor.Tell("x");
        Assert.IsType<SuppressedDeadLetter>(ExpectMsg<AllDeadLetters>());
        Assert.IsType<DeadLetter>(ExpectMsg<AllDeadLetters>());
    }

    private sealed class Subscriber : ReceiveActor
    {
        public Subscriber(IActorRef probe)
        {
            Context.System.EventStream.Subscribe<Animal>(Self);
            Receive<Animal>(a => probe.Tell(a));
            Receive<string>(s => probe.Tell(s));
            probe.Tell("subscribed");
        }
    }
}
