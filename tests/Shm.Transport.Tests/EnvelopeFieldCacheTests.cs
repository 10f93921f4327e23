using System.Text;
using Shm.Actors;
using Shm.Transport.Remoting;

namespace Shm.Transport.Tests;

/// <summary>The sender paths and manifests every envelope repeats: encoded once, and always the right bytes.</summary>
public sealed class EnvelopeFieldCacheTests
{
    [Fact]
    public void Manifests_come_back_as_their_utf8_whether_repeated_alternated_or_past_the_table_bound()
    {
        var cache = new EnvelopeFieldCache();
        string repeated = "str";
        byte[] first = cache.Manifest(repeated);
        Assert.Same(first, cache.Manifest(repeated));
        // Equal text in another instance: no reference hit, the table answers with the same bytes.
        Assert.Equal("str"u8.ToArray(), cache.Manifest(new string("str".AsSpan())));

        for (int i = 0; i < 5000; i++) // past the table's bound: still correct, only no longer kept
        {
            string manifest = $"Type{i}, Assembly";
            Assert.Equal(Encoding.UTF8.GetBytes(manifest), cache.Manifest(manifest));
            Assert.Equal("str"u8.ToArray(), cache.Manifest(i % 2 == 0 ? repeated : "str"));
        }
        Assert.Equal("Ünïcode"u8.ToArray(), cache.Manifest("Ünïcode"));
    }

    [Fact]
    public void A_sender_path_is_the_refs_serialized_path_encoded_once_and_no_sender_is_empty()
    {
        ActorSystem system = ActorSystem.Create("fields-" + Guid.NewGuid().ToString("N")[..8], ActorSystemSettings.Default with { Node = "n1" });
        try
        {
            IActorRef actor = system.ActorOf(Props.Create(() => new Silent()), "sender");
            var cache = new EnvelopeFieldCache();
            byte[] expected = Encoding.UTF8.GetBytes(Actors.Serialization.Serialization.SerializedActorPath(actor));
            Assert.Equal(expected, cache.SenderPath(actor).ToArray());
            // Kept on the ref: another node's cache hands out the very same bytes (span == compares the memory, not the content).
            Assert.True(cache.SenderPath(actor) == new EnvelopeFieldCache().SenderPath(actor));
            Assert.True(cache.SenderPath(null).IsEmpty);
        }
        finally
        {
            system.Terminate().Wait(TimeSpan.FromMinutes(1));
        }
    }

    private sealed class Silent : ActorBase
    {
        protected override bool Receive(object message) => true;
    }
}
