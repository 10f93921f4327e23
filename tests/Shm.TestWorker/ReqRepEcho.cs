using System.Buffers.Binary;

namespace Shm.TestWorker;

/// <summary>The request/response pair the ReqRep tests and workers agree on: a request names its client and sequence; the answer is derived from it.</summary>
public static class ReqRepEcho
{
    /// <summary>The length of a request that travels through the arena rather than the inline lane.</summary>
    public const int ArenaLength = 300;

    /// <summary>A request naming its client and sequence; <paramref name="length"/> above 12 pads it with bytes derived from both.</summary>
    public static byte[] Request(int client, int sequence, int length = 12)
    {
        byte[] request = new byte[Math.Max(12, length)];
        BinaryPrimitives.WriteInt32LittleEndian(request, client);
        BinaryPrimitives.WriteInt32LittleEndian(request.AsSpan(4), sequence);
        BinaryPrimitives.WriteInt32LittleEndian(request.AsSpan(8), client ^ sequence ^ 0x5EED);
        for (int i = 12; i < request.Length; i++)
            request[i] = (byte)(client * 31 + sequence * 7 + i);
        return request;
    }

    /// <summary>The server's answer: the request reversed, then its length (so an answer to another request never matches).</summary>
    public static byte[] Answer(ReadOnlySpan<byte> request)
    {
        byte[] answer = new byte[request.Length + 4];
        request.CopyTo(answer);
        answer.AsSpan(0, request.Length).Reverse();
        BinaryPrimitives.WriteInt32LittleEndian(answer.AsSpan(request.Length), request.Length);
        return answer;
    }

    public static bool Matches(ReadOnlySpan<byte> request, ReadOnlySpan<byte> answer) => answer.SequenceEqual(Answer(request));
}
