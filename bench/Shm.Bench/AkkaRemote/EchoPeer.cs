using System.Diagnostics;
using Akka.Actor;
using Shm.Bench.Harness;

namespace Shm.Bench.AkkaRemote;

/// <summary>
/// The bench process's side of one <see cref="EchoServer"/> child: the child, its address, and refs (resolved in
/// <see cref="System"/>) to its echo actors. Disposing kills the child if it still runs.
/// </summary>
internal sealed class EchoPeer : IDisposable
{
    private static readonly TimeSpan s_ready = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_identify = TimeSpan.FromSeconds(3);

    private readonly Process _child;

    private EchoPeer(string transport, ActorSystem system, Process child, string address)
    {
        Transport = transport;
        System = system;
        _child = child;
        Address = address;
    }

    /// <summary><c>shm</c> or <c>tcp</c>.</summary>
    public string Transport { get; }

    /// <summary>The bench process's system that talks to the child.</summary>
    public ActorSystem System { get; }

    /// <summary>The child system's address, e.g. <c>akka.shm://sys@server:0</c> or <c>akka.tcp://sys@127.0.0.1:40123</c>.</summary>
    public string Address { get; }

    /// <summary>The child's process id.</summary>
    public int Pid => _child.Id;

    /// <summary>The child's echo actors, in order (resolved by <see cref="Start"/>).</summary>
    public IReadOnlyList<IActorRef> Echoes { get; private set; } = [];

    /// <summary>
    /// Starts a child serving over <paramref name="transport"/> as node <paramref name="node"/> of
    /// <paramref name="system"/>'s actor-system name, waits for its ready line and resolves its echo actors (each an
    /// Identify round trip, so the association is up when this returns).
    /// </summary>
    public static EchoPeer Start(BenchContext context, ActorSystem system, string transport, string node)
    {
        long start = Stopwatch.GetTimestamp();
        Process child = ChildProcess.Start(EchoServer.Role, EchoServer.Arguments(transport, system.Name, node));
        EchoPeer? peer = null;
        try
        {
            Task<string?> line = child.StandardOutput.ReadLineAsync();
            if (!line.Wait(s_ready))
                throw new TimeoutException($"The {transport} echo child ({node}) printed no ready line in {s_ready.TotalSeconds} s.");
            string address = EchoServer.AddressOfReadyLine(line.Result)
                ?? throw new InvalidOperationException($"The {transport} echo child ({node}) failed to start (it printed '{line.Result}', exit code {ExitCodeOf(child)}).");
            peer = new EchoPeer(transport, system, child, address);
            peer.Echoes = [.. Enumerable.Range(0, EchoServer.Echoes).Select(i => peer.Resolve("echo-" + i))];
            context.Log(string.Create(global::System.Globalization.CultureInfo.InvariantCulture,
                $"  {transport}: echo child {node} (pid {child.Id}) at {address}, {EchoServer.Echoes} echoes resolved {Stopwatch.GetElapsedTime(start).TotalMilliseconds:F0} ms after its start"));
            return peer;
        }
        catch
        {
            End(child);
            throw;
        }
    }

    /// <summary>The child's actor <c>/user/{name}</c>, identified over the transport (retried until <see cref="s_ready"/>).</summary>
    public IActorRef Resolve(string name)
    {
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            ThrowIfExited();
            try
            {
                return System.ActorSelection($"{Address}/user/{name}").ResolveOne(s_identify).GetAwaiter().GetResult();
            }
            catch (ActorNotFoundException) when (Stopwatch.GetElapsedTime(start) < s_ready)
            {
            }
        }
    }

    /// <summary>Throws when the child has exited (a round would otherwise wait for replies that never come).</summary>
    public void ThrowIfExited()
    {
        if (_child.HasExited)
            throw new InvalidOperationException($"The {Transport} echo child at {Address} exited with code {_child.ExitCode}.");
    }

    /// <summary>SIGKILL (Process.Kill sends it on Linux); returns once the kernel has reaped the child.</summary>
    public void Kill()
    {
        _child.Kill();
        _child.WaitForExit();
    }

    public void Dispose() => End(_child);

    /// <summary>Kills <paramref name="child"/> if it still runs, and releases it.</summary>
    private static void End(Process child)
    {
        try
        {
            if (!child.HasExited)
            {
                child.Kill();
                child.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // it exited between the check and the kill
        }
        child.Dispose();
    }

    private static string ExitCodeOf(Process child) =>
        child.WaitForExit(TimeSpan.FromSeconds(1)) ? child.ExitCode.ToString(global::System.Globalization.CultureInfo.InvariantCulture) : "none, still running";
}
