namespace Shm.TestWorker;

/// <summary>
/// The deterministic messages of the byte-queue multi-process tests: message (producer, sequence) has a length
/// of 0..2000 bytes and pseudo-random content, both derived from the pair. Messages of 4 bytes or more start with
/// (producer &lt;&lt; 24 | sequence) so a consumer can tell whose they are and check every byte.
/// </summary>
public static class ByteQueueMessage
{
    public const int MaxLength = 2000;
    public static readonly byte[] Sentinel = "\0SENTINEL"u8.ToArray();

    public static byte[] Create(int producer, int sequence)
    {
        ulong state = Mix(((ulong)(uint)producer << 32) | (uint)sequence);
        var message = new byte[(int)(state % (MaxLength + 1))];
        for (int i = 0; i < message.Length; i++)
        {
            state = Mix(state);
            message[i] = (byte)state;
        }
        if (message.Length >= 4)
            BitConverter.TryWriteBytes(message, (producer << 24) | sequence);
        return message;
    }

    /// <summary>Who sent a message of 4 bytes or more; false for shorter ones (they carry no header).</summary>
    public static bool TryIdentify(ReadOnlySpan<byte> message, out int producer, out int sequence)
    {
        producer = sequence = -1;
        if (message.Length < 4)
            return false;
        int header = BitConverter.ToInt32(message);
        producer = header >>> 24;
        sequence = header & 0xFFFFFF;
        return true;
    }

    /// <summary>Whether an identified message has exactly the bytes its producer made.</summary>
    public static bool IsIntact(ReadOnlySpan<byte> message) =>
        !TryIdentify(message, out int producer, out int sequence) || message.SequenceEqual(Create(producer, sequence));

    /// <summary>FNV-1a 64 of the content, for multiset comparisons that include the short, unidentified messages.</summary>
    public static long Hash(ReadOnlySpan<byte> message)
    {
        ulong hash = 14695981039346656037;
        foreach (byte b in message)
        {
            hash ^= b;
            hash *= 1099511628211;
        }
        return (long)(hash ^ (ulong)message.Length);
    }

    /// <summary>The log entry of a message: its identity (producer &lt;&lt; 32 | sequence) or -1.</summary>
    public static long IdentityOf(ReadOnlySpan<byte> message) =>
        TryIdentify(message, out int producer, out int sequence) ? ((long)producer << 32) | (uint)sequence : -1;

    private static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EB;
        return x ^ (x >> 31);
    }
}
