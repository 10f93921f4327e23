using System.Runtime.CompilerServices;
using Shm.Actors;

namespace Shm.TransportNode;

/// <summary>Asks the answerer for <c>Value * Value</c>.</summary>
public sealed record Square(int Value);

/// <summary>Asks the answerer to reply <see cref="Status.Failure"/> with an InvalidOperationException carrying <paramref name="Reason"/>.</summary>
public sealed record Fail(string Reason);

/// <summary>Asks the answerer to reply <paramref name="Value"/> after <paramref name="DelayMs"/> milliseconds.</summary>
public sealed record ReplyLater(int Value, int DelayMs);

/// <summary>The answerer keeps the asker waiting: no reply ever.</summary>
public sealed record Hold(int Id);

/// <summary>Asks the answerer for a reply of <paramref name="Bytes"/> bytes.</summary>
public sealed record Big(int Bytes);

/// <summary>Asks the answerer to work about <paramref name="WorkMicroseconds"/>, then reply the name of the thread its turn ran on ("" if none).</summary>
public sealed record WhereAmI(int WorkMicroseconds);

/// <summary>How many asks the answerer is holding (reply: int).</summary>
public sealed record HeldCount;

/// <summary>Answers asks (see the messages above); anything else is echoed.</summary>
public sealed class Answerer : ReceiveActor
{
    private int _held;

    public Answerer()
    {
        Receive<Square>(square => Sender.Tell(square.Value * square.Value));
        Receive<Fail>(fail => Sender.Tell(new Status.Failure(new InvalidOperationException(fail.Reason))));
        Receive<ReplyLater>(later => Context.System.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(later.DelayMs), Sender, later.Value, Self));
        Receive<Hold>(_ => _held++);
        Receive<HeldCount>(_ => Sender.Tell(_held));
        Receive<Big>(big => Sender.Tell(new byte[big.Bytes]));
        Receive<WhereAmI>(where =>
        {
            long until = System.Diagnostics.Stopwatch.GetTimestamp() + where.WorkMicroseconds * System.Diagnostics.Stopwatch.Frequency / 1_000_000;
            while (System.Diagnostics.Stopwatch.GetTimestamp() < until)
                Thread.SpinWait(20);
            Sender.Tell(Thread.CurrentThread.Name ?? "");
        });
        ReceiveAny(message => Sender.Tell(message, Self));
    }

    [ModuleInitializer]
    internal static void Register() => NodeRoles.Register("answerer", (system, _) => system.ActorOf(Props.Create(() => new Answerer()), "answerer"));
}
