using System.Runtime.Serialization;

namespace Shm.Actors.Tests.Serialization;

public sealed class SerializationErrorSpec : ActorSpec
{
    [Fact]
    public void An_unknown_serializer_id_names_the_id_and_the_registered_ones()
    {
        var e = Assert.Throws<SerializationException>(() => Sys.Serialization.Deserialize([1, 2], 4242, ""));

        Assert.Contains("identifier 4242", e.Message);
        Assert.Contains("PrimitiveSerializer(id 100)", e.Message);
        Assert.Contains("JsonSerializer(id 101)", e.Message);
        Assert.Contains("ExceptionSerializer(id 102)", e.Message);
    }

    [Fact]
    public void GetSerializerById_fails_the_same_way()
    {
        var e = Assert.Throws<SerializationException>(() => Sys.Serialization.GetSerializerById(-1));
        Assert.Contains("identifier -1", e.Message);
    }

    [Fact]
    public void A_custom_serializer_failure_is_wrapped_naming_serializer_and_type()
    {
        using ActorSystem system = ActorSystem.Create("wrap", ActorSystemSettings.Default.WithSerializer(s => new ShoutSerializer(s), typeof(Order)));

        var e = Assert.Throws<SerializationException>(() => system.RoundTrip(new Order(1, "x", 1m)));   // ShoutSerializer casts to Shout

        Assert.Contains("ShoutSerializer(id 1000) could not serialize a " + typeof(Order).FullName, e.Message);
        Assert.IsType<InvalidCastException>(e.InnerException);
    }

    [Fact]
    public void Serialized_paths_carry_address_and_uid()
    {
        IActorRef echo = Sys.ActorOf(Props.Create<EchoActor>(), "echo");

        string path = Shm.Actors.Serialization.Serialization.SerializedActorPath(echo);

        Assert.Equal($"shm://test/user/echo#{echo.Path.Uid}", path);
        Assert.Equal(echo, Sys.Serialization.ResolveActorRef(path));
        Assert.Equal(Sys.DeadLetters, Sys.Serialization.ResolveActorRef("not a path"));
    }
}
