using System.Buffers;
using System.Text;
using Shm.Actors.Serialization;

namespace Shm.Actors.Tests.Serialization;

/// <summary>Serializes and deserializes the way the transport does: into a buffer, then back by id and manifest.</summary>
internal static class SerializationRoundTrip
{
    public static object RoundTrip(this ActorSystem system, object message) => system.RoundTrip(message, out _, out _);

    public static object RoundTrip(this ActorSystem system, object message, out int serializerId, out string manifest)
    {
        var buffer = new ArrayBufferWriter<byte>();
        system.Serialization.Serialize(message, buffer, out serializerId, out manifest);
        return system.Serialization.Deserialize(buffer.WrittenSpan, serializerId, manifest);
    }
}

public sealed record Order(int Id, string Item, decimal Price);

public sealed record Basket(string Owner, List<Order> Orders, Dictionary<string, int> Counts, Order? Featured);

/// <summary>An immutable class (not a record) read back through its constructor.</summary>
public sealed class Point
{
    public Point(int x, int y)
    {
        X = x;
        Y = y;
    }

    public int X { get; }

    public int Y { get; }
}

public sealed record Reply(string Text, IActorRef ReplyTo);

public sealed record RefBag(IActorRef? Missing, List<IActorRef> Many, Reply Inner, Dictionary<string, IActorRef> ByName);

public sealed record WithDelegate(string Name, Action Callback);

public sealed class Chain
{
    public string Name { get; set; } = "";

    public Chain? Next { get; set; }
}

public sealed record Shout(string Text);

public interface IAnimal;

public interface IPet;

public interface IPetAnimal : IAnimal;

public class Animal;

public class Mammal : Animal;

public sealed class Cat : Mammal, IAnimal;

public sealed class Dog : IAnimal, IPet;

public sealed class Hamster : IPetAnimal;

public sealed class Stone;

/// <summary>An exception type of this assembly with the usual constructors: comes back as itself.</summary>
public sealed class OutOfStockException : Exception
{
    public OutOfStockException(string message) : base(message) { }

    public OutOfStockException(string message, Exception? inner) : base(message, inner) { }
}

/// <summary>An exception without a (string) constructor: comes back as a RemoteException.</summary>
public sealed class CodeOnlyException(int code) : Exception($"failed with code {code}")
{
    public int Code { get; } = code;
}

/// <summary>A custom serializer: upper-cases the text on the way out, so a round trip shows it was used.</summary>
public sealed class ShoutSerializer(ActorSystem system) : Serializer(system)
{
    public const int Id = 1000;

    public override int Identifier => Id;

    public override bool IncludeManifest => false;

    public override void ToBinary(object message, IBufferWriter<byte> writer) =>
        Encoding.UTF8.GetBytes(((Shout)message).Text.ToUpperInvariant(), writer);

    public override object FromBinary(ReadOnlySpan<byte> bytes, string manifest) => new Shout(Encoding.UTF8.GetString(bytes));
}

/// <summary>A serializer that only marks which binding was chosen (its id); it writes nothing useful.</summary>
public sealed class MarkerSerializer(ActorSystem system, int identifier) : Serializer(system)
{
    public override int Identifier => identifier;

    public override bool IncludeManifest => false;

    public override void ToBinary(object message, IBufferWriter<byte> writer) { }

    public override object FromBinary(ReadOnlySpan<byte> bytes, string manifest) => identifier;
}
