using System.Runtime.Serialization;

namespace Shm.Actors.Tests.Serialization;

public sealed class JsonSerializerSpec : ActorSpec
{
    [Fact]
    public void Records_round_trip_through_their_constructor()
    {
        var order = new Order(7, "book", 12.50m);

        object back = Sys.RoundTrip(order, out int serializerId, out string manifest);

        Assert.Equal(101, serializerId);
        Assert.Equal("Shm.Actors.Tests.Serialization.Order, Shm.Actors.Tests", manifest);
        Assert.Equal(order, back);
    }

    [Fact]
    public void Nested_records_with_lists_and_dictionaries_round_trip()
    {
        var basket = new Basket(
            "Ada",
            [new Order(1, "book", 10m), new Order(2, "pen", 1.25m)],
            new Dictionary<string, int> { ["book"] = 1, ["pen"] = 3 },
            new Order(3, "lamp", 30m));

        var back = Assert.IsType<Basket>(Sys.RoundTrip(basket));

        Assert.Equal(basket.Owner, back.Owner);
        Assert.Equal(basket.Orders, back.Orders);
        Assert.Equal(basket.Counts, back.Counts);
        Assert.Equal(basket.Featured, back.Featured);
    }

    [Fact]
    public void Immutable_classes_round_trip_through_their_constructor()
    {
        var back = Assert.IsType<Point>(Sys.RoundTrip(new Point(3, -4)));

        Assert.Equal(3, back.X);
        Assert.Equal(-4, back.Y);
    }

    [Fact]
    public void A_ref_inside_a_message_comes_back_as_the_same_working_ref()
    {
        TestProbe probe = CreateTestProbe();

        var back = Assert.IsType<Reply>(Sys.RoundTrip(new Reply("hi", probe.Ref)));

        Assert.Equal(probe.Ref, back.ReplyTo);
        back.ReplyTo.Tell("through the deserialized ref");
        probe.ExpectMsg("through the deserialized ref");
    }

    [Fact]
    public void Refs_nested_in_lists_dictionaries_and_records_resolve_and_null_stays_null()
    {
        TestProbe first = CreateTestProbe();
        TestProbe second = CreateTestProbe();
        IActorRef echo = Sys.ActorOf(Props.Create<EchoActor>(), "echo");
        var bag = new RefBag(null, [first.Ref, echo], new Reply("inner", second.Ref), new Dictionary<string, IActorRef> { ["echo"] = echo });

        var back = Assert.IsType<RefBag>(Sys.RoundTrip(bag));

        Assert.Null(back.Missing);
        Assert.Equal([first.Ref, echo], back.Many);
        Assert.Equal(second.Ref, back.Inner.ReplyTo);
        back.Many[0].Tell(1);
        first.ExpectMsg(1);
        back.Inner.ReplyTo.Tell(2);
        second.ExpectMsg(2);
        back.ByName["echo"].Tell("echoed");
        ExpectMsg("echoed");
        Assert.Equal(echo, LastSender);
    }

    [Fact]
    public void A_ref_of_a_stopped_incarnation_resolves_to_dead_letters()
    {
        IActorRef gone = Sys.ActorOf(Props.Create<EchoActor>(), "gone");
        Watch(gone);
        Sys.Stop(gone);
        ExpectTerminated(gone);
        Sys.ActorOf(Props.Create<EchoActor>(), "gone");   // same name, new uid

        var back = Assert.IsType<Reply>(Sys.RoundTrip(new Reply("x", gone)));

        Assert.Equal(Sys.DeadLetters, back.ReplyTo);
    }

    [Fact]
    public void A_bare_ref_and_nobody_round_trip()
    {
        Assert.Equal(TestActor, Sys.RoundTrip(TestActor));
        Assert.Same(ActorRefs.Nobody, Assert.IsType<Reply>(Sys.RoundTrip(new Reply("x", ActorRefs.Nobody))).ReplyTo);
    }

    [Fact]
    public void A_message_holding_a_delegate_fails_naming_the_type_and_the_reason()
    {
        var e = Assert.Throws<SerializationException>(() => Sys.RoundTrip(new WithDelegate("x", () => { })));

        Assert.Contains(typeof(WithDelegate).FullName!, e.Message);
        Assert.Contains("System.Action", e.Message);
    }

    [Fact]
    public void A_message_with_a_cycle_fails_naming_the_type_and_the_cycle()
    {
        var chain = new Chain { Name = "a" };
        chain.Next = chain;

        var e = Assert.Throws<SerializationException>(() => Sys.RoundTrip(chain));

        Assert.Contains(typeof(Chain).FullName!, e.Message);
        Assert.Contains("cycle", e.Message);
    }

    [Fact]
    public void An_unknown_manifest_type_is_a_clear_error_naming_it()
    {
        var e = Assert.Throws<SerializationException>(() => Sys.Serialization.Deserialize("{}"u8, 101, "Gone.Message, Gone.Assembly"));

        Assert.Contains("'Gone.Message, Gone.Assembly'", e.Message);
        Assert.Contains("no type", e.Message);
    }

    [Fact]
    public void Corrupt_json_fails_naming_the_type()
    {
        string manifest = Sys.Serialization.FindSerializerFor(new Order(1, "a", 1m)).Manifest(new Order(1, "a", 1m));

        var e = Assert.Throws<SerializationException>(() => Sys.Serialization.Deserialize("{\"Id\":"u8, 101, manifest));

        Assert.Contains(typeof(Order).FullName!, e.Message);
    }
}
