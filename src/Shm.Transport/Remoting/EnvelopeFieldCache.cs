using System.Runtime.CompilerServices;
using System.Text;
using Shm.Actors;
using Shm.Actors.Internal;

namespace Shm.Transport.Remoting;

/// <summary>
/// The UTF-8 of the envelope fields a sender repeats with every message, its path and the message's manifest, encoded
/// once instead of per message. Any thread; lock-free on a hit (the hot path of every Tell and Publish).
/// </summary>
internal sealed class EnvelopeFieldCache
{
    private readonly ConditionalWeakTable<IActorRef, byte[]> _foreignPaths = new(); // refs that are not the runtime's own
    private readonly ManifestCache _manifests = new();

    /// <summary>The sender field: the ref's full path with uid (see Serialization.SerializedActorPath); empty for no sender.</summary>
    public ReadOnlySpan<byte> SenderPath(IActorRef? sender) => sender switch
    {
        null => default,
        InternalActorRef own => own.SerializedPathUtf8 ??= Encode(own), // kept on the ref: its path never changes
        _ => _foreignPaths.GetValue(sender, Encode),
    };

    /// <summary>A manifest's bytes (see <see cref="ManifestCache"/>).</summary>
    public byte[] Manifest(string manifest) => _manifests.Bytes(manifest);

    private static byte[] Encode(IActorRef actorRef) => Encoding.UTF8.GetBytes(Actors.Serialization.Serialization.SerializedActorPath(actorRef));
}
