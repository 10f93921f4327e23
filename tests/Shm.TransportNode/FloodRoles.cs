using System.Runtime.CompilerServices;
using Shm.Actors;

namespace Shm.TransportNode;

/// <summary>A message many inbox cells long whose bytes follow from its number, so a torn or mixed one shows.</summary>
public sealed record LongMessage(int Number, byte[] Bytes)
{
    public static LongMessage Of(int number) => new(number, BytesOf(number));

    /// <summary>Whether <see cref="Bytes"/> are the ones <see cref="Number"/> gives.</summary>
    public bool IsIntact => Bytes.AsSpan().SequenceEqual(BytesOf(Number));

    private static byte[] BytesOf(int number)
    {
        var bytes = new byte[20_000 + number % 1000];
        for (int i = 0; i < bytes.Length; i++)
            bytes[i] = (byte)(i * 31 + number);
        return bytes;
    }
}

/// <summary>
/// Role "flood:PATH": a thread tells the actor at PATH <see cref="LongMessage"/> 0, 1, 2, … until the process ends, so
/// a kill most likely lands while one is half written into that node's inbox. With a small outbound buffer (buffer=N)
/// what the inbox cannot take becomes dead letters rather than memory.
/// </summary>
public static class FloodRole
{
    [ModuleInitializer]
    internal static void Register() => NodeRoles.Register("flood", (system, path) =>
    {
        IActorRef target = system.Provider.ResolveActorRef(path);
        var flood = new Thread(() =>
        {
            for (int number = 0; ; number++)
            {
                target.Tell(LongMessage.Of(number));
                Thread.Yield();
            }
        })
        { IsBackground = true, Name = "flood" };
        flood.Start();
    });
}
