using Shm.Actors;
using Shm.Actors.Internal;

namespace Shm.Transport.Remoting;

/// <summary>
/// Turns the paths and manifests of inbound envelopes into refs and strings. They repeat, so each is decoded and resolved
/// once, then found by its bytes. Not thread-safe: each thread that reads envelopes (the inbox reader, the ask server)
/// has its own.
/// </summary>
internal sealed class InboundResolver(IActorRefProvider local, IActorRefProvider provider)
{
    private readonly Utf8KeyCache<IActorRef> _recipients = new(65_536);
    private readonly Utf8KeyCache<IActorRef> _senders = new(65_536);
    private readonly Utf8KeyCache<string> _manifests = new(4096);
    private readonly string _addressPrefix = local.DefaultAddress.ToString();
    private readonly Func<IActorRef, bool> _cacheable = ResolvedRefs.Cacheable(local.DeadLetters);

    /// <summary>The local actor an envelope is for (dead letters if there is none).</summary>
    public IActorRef Recipient(ReadOnlySpan<byte> envelope, in EnvelopeView view) =>
        _recipients.GetOrAdd(envelope.Slice(view.RecipientOffset, view.RecipientLength),
            static (path, self) => self._local.ResolveActorRef(self._addressPrefix + path), this, _cacheable);

    /// <summary>The envelope's sender (local or remote), or null if it has none.</summary>
    public IActorRef? Sender(ReadOnlySpan<byte> envelope, in EnvelopeView view) =>
        view.SenderLength == 0
            ? null
            : _senders.GetOrAdd(envelope.Slice(view.SenderOffset, view.SenderLength), static (path, self) => self._provider.ResolveActorRef(path), this, _cacheable);

    /// <summary>The envelope's manifest ("" if it has none).</summary>
    public string Manifest(ReadOnlySpan<byte> envelope, in EnvelopeView view) =>
        view.ManifestLength == 0
            ? ""
            : _manifests.GetOrAdd(envelope.Slice(view.ManifestOffset, view.ManifestLength), static (text, _) => text, 0);

    private readonly IActorRefProvider _local = local;
    private readonly IActorRefProvider _provider = provider;
}
