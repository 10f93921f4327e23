using System.Collections.Concurrent;

namespace Shm.Actors.Tests;

public sealed class ShutdownSpec : ActorSpec
{
    [Fact]
    public async Task Terminate_stops_children_before_parents_then_completes()
    {
        var order = new ConcurrentQueue<string>();
        ActorSystem system = ActorSystem.Create("shutdown");
        IActorRef top = system.ActorOf(Props.Create(() => new Recorder(order, 2)), "top");
        top.Tell("ping", TestActor);
        ExpectMsg("tree-ready");
        bool callbackRan = false;
        system.RegisterOnTermination(() => callbackRan = true);
        await system.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(system.WhenTerminated.IsCompletedSuccessfully);
        Assert.True(callbackRan);
        string[] stops = [.. order];
        Assert.Equal(3, stops.Length);
        Assert.Equal("/user/top", stops[^1]);
        Assert.Equal("/user/top/child", stops[1]);
        Assert.Equal("/user/top/child/child", stops[0]);
        Assert.Throws<InvalidOperationException>(() => system.ActorOf(Props.Create<EchoActor>()));
        Assert.Same(system.WhenTerminated, system.Terminate());
    }

    [Fact]
    public async Task Callbacks_registered_after_termination_run_at_once()
    {
        ActorSystem system = ActorSystem.Create("late-callback");
        await system.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
        bool ran = false;
        system.RegisterOnTermination(() => ran = true);
        Assert.True(ran);
    }

    [Fact]
    public void System_names_are_validated()
    {
        Assert.Throws<ArgumentException>(() => ActorSystem.Create("bad name"));
        Assert.Throws<ArgumentException>(() => ActorSystem.Create("-leading"));
    }

    /// <summary>Builds a chain of <c>depth</c> descendants named "child" and records its path on PostStop.</summary>
    private sealed class Recorder : ReceiveActor
    {
        private readonly ConcurrentQueue<string> _order;

        public Recorder(ConcurrentQueue<string> order, int depth)
        {
            _order = order;
            IActorRef? child = depth > 0 ? Context.ActorOf(Props.Create(() => new Recorder(order, depth - 1)), "child") : null;
            Receive<string>(_ =>
            {
                if (child is null) Sender.Tell("tree-ready");
                else child.Forward("ping");
            });
        }

        protected override void PostStop() => _order.Enqueue(Self.Path.ToStringWithoutAddress());
    }
}
