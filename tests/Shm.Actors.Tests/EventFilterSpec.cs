using Shm.Actors.Event;
using Xunit.Sdk;

namespace Shm.Actors.Tests;

public sealed class EventFilterSpec : ActorSpec
{
    [Fact]
    public void Exception_filter_counts_supervisor_failure_logs()
    {
        IActorRef actor = Sys.ActorOf(Props.Create<StatefulActor>());
        EventFilter.Exception<InvalidOperationException>(contains: "boom").ExpectOne(() => actor.Tell(new InvalidOperationException("boom")));
        Assert.Throws<XunitException>(() =>
            EventFilter.Exception<InvalidOperationException>().Expect(1, () => { }, TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public void Log_level_filters_match_message_and_source()
    {
        IActorRef actor = Sys.ActorOf(Props.Create<Logger>(), "logger");
        EventFilter.Warning(message: "careful 1").ExpectOne(() => actor.Tell(1));
        EventFilter.Info(contains: "note", source: actor.Path.ToString()).Expect(2, () => { actor.Tell("note"); actor.Tell("note"); });
    }

    [Fact]
    public void Dead_letter_filter()
    {
        IActorRef actor = Sys.ActorOf(Props.Create<EchoActor>());
        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor);
        EventFilter.DeadLetter<string>().Expect(2, () => { actor.Tell("a"); actor.Tell("b"); actor.Tell(3); });
    }

    private sealed class Logger : ReceiveActor
    {
        public Logger()
        {
            ILoggingAdapter log = Context.GetLogger();
            Receive<int>(i => log.Warning("careful {0}", i));
            Receive<string>(s => log.Info("a {0}", s));
        }
    }
}
