namespace Shm.TestKit;

/// <summary>
/// The child's side of <see cref="NodeProcess"/>: standard output carries the protocol ("ready", fault points), so
/// everything else the program writes to the console (its actor system's log) is sent to standard error; standard
/// input carries the test's answers, and its end means "leave".
/// </summary>
/// <example><code>
/// using ActorSystem system = ActorSystem.Create(name, config);
/// NodeControl.Ready();
/// await NodeControl.Left;                             // the test called Leave, or ended
/// </code></example>
public static class NodeControl
{
    private static readonly Lock s_gate = new();
    private static readonly Dictionary<string, TaskCompletionSource> s_continues = [];
    private static readonly TaskCompletionSource s_left = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private static TextWriter? s_protocol;

    /// <summary>Completes when the test closes this process's standard input (<see cref="NodeProcess.Leave"/>).</summary>
    public static Task Left
    {
        get
        {
            EnsureStarted();
            return s_left.Task;
        }
    }

    /// <summary>Tells the test this node serves (<see cref="NodeProcess.Start"/> returns).</summary>
    public static void Ready() => Say("ready");

    /// <summary>Writes one line of the protocol (the test sees it in <see cref="NodeProcess.Output"/>).</summary>
    public static void Say(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        EnsureStarted();
        lock (s_gate)
        {
            s_protocol!.WriteLine(line);
            s_protocol.Flush();
        }
    }

    /// <summary>
    /// A named point where the test may kill or stop this process (<see cref="NodeProcess.KillAt"/>,
    /// <see cref="NodeProcess.PauseAt"/>): announces it and blocks the calling thread until the test lets it go on
    /// (<see cref="NodeProcess.Continue"/>) or the test leaves.
    /// </summary>
    public static void FaultPoint(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        TaskCompletionSource go;
        lock (s_gate)
        {
            if (!s_continues.TryGetValue(name, out go!))
                s_continues[name] = go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        Say(NodeProcess.FaultPointPrefix + name);
        Task.WaitAny(go.Task, s_left.Task);
        lock (s_gate)
            s_continues.Remove(name);
    }

    private static void EnsureStarted()
    {
        lock (s_gate)
        {
            if (s_protocol is not null)
                return;
            s_protocol = Console.Out;
            Console.SetOut(Console.Error);
            var reader = new Thread(ReadAnswers) { IsBackground = true, Name = "node-control" };
            reader.Start();
        }
    }

    private static void ReadAnswers()
    {
        TextReader input = Console.In;
        while (input.ReadLine() is { } line)
        {
            if (!line.StartsWith(NodeProcess.ContinuePrefix, StringComparison.Ordinal))
                continue;
            string name = line[NodeProcess.ContinuePrefix.Length..];
            lock (s_gate)
            {
                if (!s_continues.TryGetValue(name, out TaskCompletionSource? go))
                    s_continues[name] = go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                go.TrySetResult();
            }
        }
        s_left.TrySetResult();
    }
}
