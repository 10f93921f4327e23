using System.Buffers;

namespace Shm.Actors.Tests.Serialization;

public sealed class RemoteRefResolutionSpec
{
    [Fact]
    public void A_ref_from_another_node_resolves_through_the_transport_provider()
    {
        using var sender = new Shm.TestKit.Xunit2.TestKit(ActorSystem.Create("orders", ActorSystemSettings.Default with { Node = "node1" }));
        RecordingProvider? provider = null;
        using var receiver = new Shm.TestKit.Xunit2.TestKit(ActorSystem.Create("orders", ActorSystemSettings.Default with
        {
            Node = "node2",
            ProviderFactory = (_, local) => provider = new RecordingProvider(local),
        }));
        TestProbe remote = receiver.CreateTestProbe();
        provider!.Remote = remote.Ref;
        IActorRef cart = sender.Sys.ActorOf(Props.Create<EchoActor>(), "cart");

        var buffer = new ArrayBufferWriter<byte>();
        sender.Sys.Serialization.Serialize(new Reply("hi", cart), buffer, out int serializerId, out string manifest);
        var back = Assert.IsType<Reply>(receiver.Sys.Serialization.Deserialize(buffer.WrittenSpan, serializerId, manifest));

        Assert.Equal($"shm://orders@node1/user/cart#{cart.Path.Uid}", Assert.Single(provider.Resolved));
        Assert.Same(remote.Ref, back.ReplyTo);
        back.ReplyTo.Tell("to the other node");
        remote.ExpectMsg("to the other node");
    }

    /// <summary>Stands in for the transport's provider: paths of other nodes resolve to one "remote" ref, and are recorded.</summary>
    private sealed class RecordingProvider(IActorRefProvider local) : IActorRefProvider
    {
        public List<string> Resolved { get; } = [];

        public IActorRef Remote { get; set; } = ActorRefs.Nobody;

        public Address DefaultAddress => local.DefaultAddress;

        public ActorPath RootPath => local.RootPath;

        public IActorRef DeadLetters => local.DeadLetters;

        public IActorRef Guardian => local.Guardian;

        public IActorRef SystemGuardian => local.SystemGuardian;

        public ActorPath TempPath() => local.TempPath();

        public IActorRef ResolveActorRef(ActorPath path) => path.Address == DefaultAddress ? local.ResolveActorRef(path) : Remote;

        public IActorRef ResolveActorRef(string path)
        {
            Resolved.Add(path);
            return ResolveActorRef(ActorPath.Parse(path));
        }
    }
}
