using System.Buffers.Binary;

namespace Shm.Chaos;

/// <summary>
/// The value every typed primitive carries in the campaign: an identity and a check word derived from it, so a
/// value that is half one write and half another (torn) or garbage is told apart from a real one.
/// </summary>
public readonly struct ChaosItem
{
    public readonly long Id;
    public readonly long Check;

    public ChaosItem(long id)
    {
        Id = id;
        Check = ChaosMessage.Mix(id);
    }

    public bool IsIntact => Check == ChaosMessage.Mix(Id);
}

/// <summary>
/// The byte messages of the campaign: [id 8][check 8][payload], the payload's length (0..MaxPayload) and bytes
/// derived from the id. A message that is not exactly the bytes its id makes is torn.
/// </summary>
public static class ChaosMessage
{
    public const int HeaderBytes = 16;
    public const int MaxPayload = 200;
    public const int MaxLength = HeaderBytes + MaxPayload;

    public static byte[] Create(long id)
    {
        ulong state = (ulong)Mix(id);
        var message = new byte[HeaderBytes + (int)(state % (MaxPayload + 1))];
        BinaryPrimitives.WriteInt64LittleEndian(message, id);
        BinaryPrimitives.WriteInt64LittleEndian(message.AsSpan(8), Mix(id));
        for (int i = HeaderBytes; i < message.Length; i++)
        {
            state = (ulong)Mix((long)state);
            message[i] = (byte)state;
        }
        return message;
    }

    /// <summary>The id a message claims, or -1 when it is too short to carry one.</summary>
    public static long IdOf(ReadOnlySpan<byte> message) => message.Length >= HeaderBytes ? BinaryPrimitives.ReadInt64LittleEndian(message) : -1;

    public static bool IsIntact(ReadOnlySpan<byte> message)
    {
        long id = IdOf(message);
        return id >= 0 && message.SequenceEqual(Create(id));
    }

    public static long Mix(long value)
    {
        ulong x = (ulong)value + 0x9E3779B97F4A7C15;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EB;
        return (long)(x ^ (x >> 31));
    }

    /// <summary>The answer a ReqRep server gives to a request: the message of id ^ AnswerSalt.</summary>
    public const long AnswerSalt = 0x5EED_0000_0000;

    public static byte[] AnswerTo(ReadOnlySpan<byte> request) => Create(IdOf(request) ^ AnswerSalt);

    public static bool IsAnswerTo(long requestId, ReadOnlySpan<byte> answer) => IdOf(answer) == (requestId ^ AnswerSalt) && IsIntact(answer);
}
