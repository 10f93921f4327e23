using System.Diagnostics;
using Shm.Transport.Remoting;

namespace Shm.Transport.Tests;

/// <summary>A node in a real child process (tests/Shm.TransportNode): an "echo" actor, killed or stopped by the test.</summary>
public sealed class NodeProcess : IDisposable
{
    private NodeProcess(Process process) => Process = process;

    public Process Process { get; }

    public static NodeProcess Start(string system, string node, string directory)
    {
        string dir = AppContext.BaseDirectory.TrimEnd('/');
        string config = Path.GetFileName(Path.GetDirectoryName(dir)!);
        string dll = Path.GetFullPath(Path.Combine(dir, "../../../../Shm.TransportNode/bin", config, "net10.0/Shm.TransportNode.dll"));
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardInput = true, RedirectStandardError = true };
        foreach (string argument in new[] { dll, system, node, directory })
            psi.ArgumentList.Add(argument);
        var started = new NodeProcess(Process.Start(psi)!);
        Task<string?> line = started.Process.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromMinutes(1)) || line.Result != "ready")
        {
            started.Process.Kill();
            string error = started.Process.StandardError.ReadToEnd();
            started.Dispose();
            Assert.Fail($"node {node} did not start: {error}");
        }
        return started;
    }

    public void Kill()
    {
        Process.Kill();
        Process.WaitForExit();
    }

    public void Dispose()
    {
        if (!Process.HasExited)
            Process.Kill();
        Process.Dispose();
    }
}

public sealed class NodeProcessTests
{
    [Fact]
    public void A_killed_node_is_reported_down_its_watched_actors_terminate_and_it_rejoins_with_a_new_incarnation()
    {
        using var cluster = new TestCluster();
        ActorSystem a = cluster.Node("a");
        var (collector, inbox) = Collector.Start(a, "collector");
        a.EventStream.Subscribe<MemberUp>(collector);
        a.EventStream.Subscribe<MemberDown>(collector);
        a.EventStream.Subscribe<Actors.Event.DeadLetter>(collector);
        string echoPath = $"shm://{cluster.SystemName}@b/user/echo";

        using (NodeProcess first = NodeProcess.Start(cluster.SystemName, "b", cluster.Directory))
        {
            MemberUp up = inbox.Next<MemberUp>(u => u.Address.Host == "b");
            Assert.Equal(first.Process.Id, up.ProcessId);
            a.ActorSelection(echoPath).Tell("hello", collector);
            var (echoed, echo) = inbox.Next();
            Assert.Equal("hello", echoed);

            var watched = new System.Collections.Concurrent.BlockingCollection<(object Message, IActorRef Sender)>();
            a.ActorOf(Props.Create(() => new DeathWatcher(echo, watched)), "watcher");
            Assert.Equal("watching", watched.Next().Message);

            first.Kill();
            MemberDown down = inbox.Next<MemberDown>(d => d.Address.Host == "b");
            Assert.True(down.Died);
            Assert.Equal(up.Incarnation, down.Incarnation);
            var terminated = watched.Next<Terminated>();
            Assert.True(terminated.AddressTerminated);
            Assert.Equal(echo, terminated.ActorRef);

            echo.Tell("to the dead node", collector);
            Assert.Equal("to the dead node", inbox.Next<Actors.Event.DeadLetter>().Message);

            using NodeProcess second = NodeProcess.Start(cluster.SystemName, "b", cluster.Directory);
            MemberUp again = inbox.Next<MemberUp>(u => u.Address.Host == "b");
            Assert.True(again.Incarnation > up.Incarnation);
            Assert.Equal(second.Process.Id, again.ProcessId);

            // The old incarnation's ref (its uid) reaches no one; the path reaches the new echo.
            echo.Tell("to the old incarnation", collector);
            a.ActorSelection(echoPath).Tell("to the new incarnation", collector);
            Assert.Equal("to the new incarnation", inbox.Next<string>());
            second.Process.StandardInput.Close(); // a clean leave
            Assert.False(inbox.Next<MemberDown>(d => d.Address.Host == "b").Died);
            Assert.True(second.Process.WaitForExit(TimeSpan.FromMinutes(1)));
        }
    }

    /// <summary>Watches a remote actor, proves the watch is in place with a round trip, reports Terminated.</summary>
    private sealed class DeathWatcher : ReceiveActor
    {
        public DeathWatcher(IActorRef target, System.Collections.Concurrent.BlockingCollection<(object, IActorRef)> into)
        {
            Context.Watch(target);
            target.Tell("watching", Self);
            ReceiveAny(message => into.Add((message, Sender)));
        }
    }
}
