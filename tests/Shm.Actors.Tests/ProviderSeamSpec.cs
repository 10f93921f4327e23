namespace Shm.Actors.Tests;

public sealed class ProviderSeamSpec
{
    [Fact]
    public void A_provider_factory_resolves_other_systems_and_delegates_the_rest()
    {
        using var kit = new Shm.TestKit.Xunit2.TestKit(ActorSystem.Create("seam", ActorSystemSettings.Default with
        {
            Node = "node1",
            ProviderFactory = (system, local) => new FakeRemoteProvider(local),
        }));
        FakeRemoteProvider provider = Assert.IsType<FakeRemoteProvider>(kit.Sys.Provider);
        TestProbe remote = kit.CreateTestProbe();
        provider.Remote = remote.Ref;

        Assert.Equal("shm://seam@node1", provider.DefaultAddress.ToString());
        kit.Sys.ActorSelection("shm://other@node2/user/x").Tell("over the wire", kit.TestActor);
        remote.ExpectMsg("over the wire");
        Assert.Equal(kit.TestActor, remote.Sender);

        IActorRef local = kit.Sys.ActorOf(Props.Create<EchoActor>(), "local");
        Assert.Equal(local, kit.Sys.Provider.ResolveActorRef("shm://seam@node1/user/local"));
        Assert.Equal(kit.Sys.DeadLetters, kit.Sys.Provider.ResolveActorRef("shm://seam@node1/user/missing"));
    }

    /// <summary>Stands in for a transport: every path of another system resolves to one "remote" ref.</summary>
    private sealed class FakeRemoteProvider(IActorRefProvider local) : IActorRefProvider
    {
        public IActorRef Remote { get; set; } = ActorRefs.Nobody;

        public Address DefaultAddress => local.DefaultAddress;

        public ActorPath RootPath => local.RootPath;

        public IActorRef DeadLetters => local.DeadLetters;

        public IActorRef Guardian => local.Guardian;

        public IActorRef SystemGuardian => local.SystemGuardian;

        public ActorPath TempPath() => local.TempPath();

        public IActorRef ResolveActorRef(ActorPath path) => path.Address == DefaultAddress ? local.ResolveActorRef(path) : Remote;

        public IActorRef ResolveActorRef(string path) => ResolveActorRef(ActorPath.Parse(path));
    }
}
