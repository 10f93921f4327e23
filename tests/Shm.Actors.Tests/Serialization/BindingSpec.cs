using System.Runtime.Serialization;
using Shm.Actors.Serialization;

namespace Shm.Actors.Tests.Serialization;

public sealed class BindingSpec
{
    private static ActorSystem Create(ActorSystemSettings settings) => ActorSystem.Create("bindings", settings);

    private static Func<ActorSystem, Serializer> Marker(int id) => system => new MarkerSerializer(system, id);

    [Fact]
    public void Builtins_cover_primitives_objects_exceptions_and_failures()
    {
        using ActorSystem system = Create(ActorSystemSettings.Default);
        Shm.Actors.Serialization.Serialization serialization = system.Serialization;

        Assert.Equal(100, serialization.FindSerializerFor("text").Identifier);
        Assert.Equal(100, serialization.FindSerializerFor(new byte[1]).Identifier);
        Assert.Equal(101, serialization.FindSerializerFor(new Order(1, "a", 1m)).Identifier);
        Assert.Equal(101, serialization.FindSerializerForType(typeof(Stone)).Identifier);
        Assert.Equal(102, serialization.FindSerializerFor(new InvalidOperationException("x")).Identifier);
        Assert.Equal(102, serialization.FindSerializerFor(new Status.Failure(new Exception("x"))).Identifier);
        Assert.Equal(102, serialization.FindSerializerFor(new Status.Success(1)).Identifier);
        Assert.Same(serialization.GetSerializerById(101), serialization.FindSerializerForType(typeof(object)));
    }

    [Fact]
    public void A_custom_serializer_registered_through_settings_is_used()
    {
        using ActorSystem system = Create(ActorSystemSettings.Default.WithSerializer(s => new ShoutSerializer(s), typeof(Shout)));

        object back = system.RoundTrip(new Shout("quiet please"), out int serializerId, out string manifest);

        Assert.Equal(ShoutSerializer.Id, serializerId);
        Assert.Equal("", manifest);   // IncludeManifest is false
        Assert.Equal(new Shout("QUIET PLEASE"), back);
        Assert.IsType<ShoutSerializer>(system.Serialization.GetSerializerById(ShoutSerializer.Id));
        Assert.Same(system, system.Serialization.GetSerializerById(ShoutSerializer.Id).System);
    }

    [Fact]
    public void The_most_specific_binding_wins()
    {
        ActorSystemSettings settings = ActorSystemSettings.Default
            .WithSerializer(Marker(1001), typeof(Animal))
            .WithSerializer(Marker(1002), typeof(Mammal))
            .WithSerializer(Marker(1003), typeof(IAnimal))
            .WithSerializer(Marker(1004), typeof(IPetAnimal));
        using ActorSystem system = Create(settings);
        Shm.Actors.Serialization.Serialization serialization = system.Serialization;

        Assert.Equal(1002, serialization.FindSerializerFor(new Cat()).Identifier);      // nearest base class beats the interface
        Assert.Equal(1001, serialization.FindSerializerFor(new Animal()).Identifier);   // exact type
        Assert.Equal(1003, serialization.FindSerializerFor(new Dog()).Identifier);      // only IAnimal is bound (IPet is not)
        Assert.Equal(1004, serialization.FindSerializerFor(new Hamster()).Identifier);  // the most derived interface
        Assert.Equal(1003, serialization.FindSerializerForType(typeof(IAnimal)).Identifier);
        Assert.Equal(101, serialization.FindSerializerFor(new Stone()).Identifier);     // System.Object last
    }

    [Fact]
    public void An_exact_binding_beats_a_base_class_binding()
    {
        ActorSystemSettings settings = ActorSystemSettings.Default
            .WithSerializer(Marker(1001), typeof(Mammal))
            .WithSerializer(Marker(1002), typeof(Cat));
        using ActorSystem system = Create(settings);

        Assert.Equal(1002, system.Serialization.FindSerializerFor(new Cat()).Identifier);
    }

    [Fact]
    public void A_custom_binding_of_a_builtin_type_takes_it_over()
    {
        ActorSystemSettings settings = ActorSystemSettings.Default
            .WithSerializer(Marker(1001), typeof(string))
            .WithSerializer(Marker(1002), typeof(object));
        using ActorSystem system = Create(settings);

        Assert.Equal(1001, system.Serialization.FindSerializerFor("text").Identifier);
        Assert.Equal(1002, system.Serialization.FindSerializerFor(new Stone()).Identifier);
        Assert.Equal(100, system.Serialization.FindSerializerFor(42).Identifier);
    }

    [Fact]
    public void Equally_specific_bindings_with_different_serializers_are_a_clear_error()
    {
        ActorSystemSettings settings = ActorSystemSettings.Default
            .WithSerializer(Marker(1001), typeof(IAnimal))
            .WithSerializer(Marker(1002), typeof(IPet));
        using ActorSystem system = Create(settings);

        var e = Assert.Throws<SerializationException>(() => system.Serialization.FindSerializerFor(new Dog()));

        Assert.Contains(typeof(Dog).FullName!, e.Message);
        Assert.Contains("MarkerSerializer(id 1001)", e.Message);
        Assert.Contains("MarkerSerializer(id 1002)", e.Message);
        Assert.Contains("Bind " + typeof(Dog).FullName, e.Message);
    }

    [Fact]
    public void Equally_specific_bindings_to_the_same_serializer_are_fine()
    {
        using ActorSystem system = Create(ActorSystemSettings.Default.WithSerializer(Marker(1001), typeof(IAnimal), typeof(IPet)));

        Assert.Equal(1001, system.Serialization.FindSerializerFor(new Dog()).Identifier);
    }

    [Fact]
    public void Binding_one_type_to_two_serializers_is_rejected_at_startup()
    {
        ActorSystemSettings settings = ActorSystemSettings.Default
            .WithSerializer(Marker(1001), typeof(Order))
            .WithSerializer(Marker(1002), typeof(Order));

        var e = Assert.Throws<ArgumentException>(() => Create(settings));

        Assert.Contains(typeof(Order).FullName!, e.Message);
        Assert.Contains("id 1001", e.Message);
        Assert.Contains("id 1002", e.Message);
    }

    [Fact]
    public void Two_serializers_with_one_identifier_are_rejected_at_startup()
    {
        ActorSystemSettings settings = ActorSystemSettings.Default
            .WithSerializer(Marker(1001), typeof(Order))
            .WithSerializer(Marker(1001), typeof(Shout));

        var e = Assert.Throws<ArgumentException>(() => Create(settings));

        Assert.Contains("same identifier 1001", e.Message);
    }

    [Fact]
    public void A_custom_identifier_equal_to_a_builtin_one_is_rejected_at_startup()
    {
        var e = Assert.Throws<ArgumentException>(() => Create(ActorSystemSettings.Default.WithSerializer(Marker(101), typeof(Order))));

        Assert.Contains("JsonSerializer and MarkerSerializer have the same identifier 101", e.Message);
    }

    [Fact]
    public void Akkas_reserved_identifiers_are_rejected_at_startup()
    {
        var e = Assert.Throws<ArgumentException>(() => Create(ActorSystemSettings.Default.WithSerializer(Marker(4), typeof(Order))));

        Assert.Contains("identifier 4", e.Message);
        Assert.Contains("reserved", e.Message);
    }

    [Fact]
    public void Null_and_open_generic_bound_types_are_rejected_when_registered()
    {
        Assert.Throws<ArgumentException>(() => ActorSystemSettings.Default.WithSerializer(Marker(1001), typeof(Order), null!));
        var e = Assert.Throws<ArgumentException>(() => ActorSystemSettings.Default.WithSerializer(Marker(1001), typeof(List<>)));
        Assert.Contains("open generic", e.Message);
    }
}
