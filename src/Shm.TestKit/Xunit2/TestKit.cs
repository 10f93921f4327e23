using Shm.Actors.Event;
using Shm.Actors.Internal;
using Xunit.Abstractions;

namespace Shm.TestKit.Xunit2;

/// <summary>
/// Base class for xunit tests of actors, as Akka.TestKit.Xunit2's <c>TestKit</c>: each test class instance (one per test)
/// gets its own actor system, <c>Tell</c> in the test body has <see cref="TestKitBase.TestActor"/> as sender, and the system
/// is terminated when xunit disposes the instance. With an <see cref="ITestOutputHelper"/>, the system's log goes to the test output.
/// </summary>
/// <example><code>
/// public class GreeterSpec : TestKit
/// {
///     [Fact]
///     public void Greets_back()
///     {
///         var greeter = Sys.ActorOf(Props.Create(() => new Greeter()));
///         greeter.Tell(new Greet("Ada"));
///         ExpectMsg&lt;Greeting&gt;(g => g.Text == "Hello, Ada");
///     }
/// }
/// </code></example>
public class TestKit : TestKitBase, IDisposable
{
    private bool _disposed;

    /// <summary>A test with a fresh system named <c>test</c> (or the given one).</summary>
    public TestKit(ActorSystem? system = null, ITestOutputHelper? output = null)
        : base(system ?? ActorSystem.Create("test", DefaultSettings))
    {
        ImplicitSender.Fallback = TestActor;
        if (output is not null) ((ActorSystemImpl)Sys).SystemActorOf(Props.Create(() => new TestOutputLogger(output)), "testOutputLogger");
    }

    /// <summary>A test with a fresh system built from <paramref name="settings"/>.</summary>
    public TestKit(ActorSystemSettings settings, string? name = null, ITestOutputHelper? output = null)
        : this(ActorSystem.Create(name ?? "test", settings), output) { }

    /// <summary>
    /// The settings of systems created for tests: Akka's defaults with the log level at Debug and a finite 10 s Ask timeout,
    /// so a forgotten reply fails the test instead of hanging it.
    /// </summary>
    public static ActorSystemSettings DefaultSettings { get; } = ActorSystemSettings.Default with
    {
        LogLevel = LogLevel.DebugLevel,
        AskTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Terminates the system and waits for it (dilated 5 s).</summary>
    protected virtual void Shutdown()
    {
        if (!Sys.Terminate().Wait(Dilated(TestKitSettings.DefaultTimeout)))
            throw new TimeoutException($"Actor system '{Sys.Name}' did not terminate within {Dilated(TestKitSettings.DefaultTimeout)}.");
    }

    /// <summary>Shuts the system down (xunit calls this after each test).</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Shuts the system down once when <paramref name="disposing"/>.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed || !disposing) return;
        _disposed = true;
        ImplicitSender.Fallback = null;
        Shutdown();
    }

    private sealed class TestOutputLogger(ITestOutputHelper output) : ActorBase
    {
        protected override void PreStart() => Context.System.EventStream.Subscribe<LogEvent>(Self);

        protected override bool Receive(object message)
        {
            if (message is not LogEvent log) return false;
            try
            {
                output.WriteLine(log.ToString());
            }
            catch (InvalidOperationException)
            {
                // The test has finished; xunit no longer accepts output for it.
            }
            return true;
        }
    }
}
