using Microsoft.Extensions.Logging;
using Shm.Actors.Event;
using LogLevel = Shm.Actors.Event.LogLevel;
using MelLogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Shm.Actors.Tests;

public sealed class LoggingSpec
{
    [Fact]
    public async Task Actor_logs_reach_the_logger_factory_with_level_filtering()
    {
        var provider = new CollectingLoggerProvider();
        using ILoggerFactory factory = LoggerFactory.Create(b => b.AddProvider(provider).SetMinimumLevel(MelLogLevel.Trace));
        using var system = ActorSystem.Create("logging", ActorSystemSettings.Default with { LoggerFactory = factory, LogLevel = LogLevel.InfoLevel });
        IActorRef actor = system.ActorOf(Props.Create<Chatty>(), "chatty");
        Assert.Equal("done", await actor.Ask<string>("log", TimeSpan.FromSeconds(5)));
        Assert.Contains(provider.Entries, e => e.Level == MelLogLevel.Information && e.Message.Contains("info 42") && e.Message.Contains("/user/chatty") && e.Category.EndsWith("Chatty"));
        Assert.Contains(provider.Entries, e => e.Level == MelLogLevel.Error && e.Exception is InvalidOperationException);
        Assert.DoesNotContain(provider.Entries, e => e.Message.Contains("debug"));
    }

    [Fact]
    public async Task Dead_letters_are_logged_with_a_rate_limit()
    {
        var provider = new CollectingLoggerProvider();
        using ILoggerFactory factory = LoggerFactory.Create(b => b.AddProvider(provider));
        using var system = ActorSystem.Create("dead", ActorSystemSettings.Default with { LoggerFactory = factory, LogDeadLetters = 3 });
        // Identify answers only after PreStart, where the listener subscribes; a second Identify after the dead letters
        // comes back only once the listener has handled everything before it.
        IActorRef listener = await system.ActorSelection("/system/deadLetterListener").ResolveOne(TimeSpan.FromSeconds(5));
        for (int i = 0; i < 10; i++) system.DeadLetters.Tell("lost " + i, ActorRefs.NoSender);
        await listener.Ask<ActorIdentity>(new Identify(null), TimeSpan.FromSeconds(5));
        List<CollectingLoggerProvider.Entry> logged = [.. provider.Entries.Where(e => e.Message.Contains("was not delivered"))];
        Assert.Equal(3, logged.Count);
        Assert.Contains("no more dead letters will be logged", logged[^1].Message);
    }

    [Fact]
    public void Log_events_are_published_on_the_event_stream_and_formatting_is_positional()
    {
        using var system = ActorSystem.Create("events", ActorSystemSettings.Default with { LogLevel = LogLevel.DebugLevel });
        ILoggingAdapter log = Logging.GetLogger(system, "source", typeof(LoggingSpec));
        Assert.True(log.IsDebugEnabled);
        using var probe = new Shm.TestKit.Xunit2.TestKit(system);
        system.EventStream.Subscribe<LogEvent>(probe.TestActor);
        log.Warning("{0} and {1}", "a", 2);
        log.Error("bad format {0} {1}", "only one");   // a broken format never throws
        var warning = probe.ExpectMsg<Warning>();
        Assert.Equal("a and 2", warning.Message);
        Assert.Equal("source", warning.LogSource);
        Assert.Contains("bad format", probe.ExpectMsg<Error>().Message);
    }

    private sealed class Chatty : ReceiveActor
    {
        private readonly ILoggingAdapter _log = Context.GetLogger();

        public Chatty() => Receive<string>(_ =>
        {
            _log.Debug("debug {0}", 1);
            _log.Info("info {0}", 42);
            _log.Error(new InvalidOperationException("x"), "error {0}", 3);
            Sender.Tell("done");
        });
    }

    private sealed class CollectingLoggerProvider : ILoggerProvider
    {
        public sealed record Entry(string Category, MelLogLevel Level, string Message, Exception? Exception);

        private readonly System.Collections.Concurrent.ConcurrentQueue<Entry> _entries = new();

        public IReadOnlyList<Entry> Entries => [.. _entries];

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

        public void Dispose() { }

        private sealed class Logger(string category, System.Collections.Concurrent.ConcurrentQueue<Entry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(MelLogLevel logLevel) => true;

            public void Log<TState>(MelLogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), exception));
        }
    }
}
