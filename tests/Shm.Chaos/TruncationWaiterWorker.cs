using Shm.Primitives;

namespace Shm.Chaos;

/// <summary>
/// `worker waiter KIND SEGMENT`: an idle user of a segment, asleep in a blocking receive (nobody writes to it) until the
/// file is truncated under it. Prints "told" and exits 0 when the operation throws ShmCorruptedException; any other
/// outcome is printed and ends the process with <see cref="UnexpectedExitCode"/>. A SIGBUS ends it by signal.
/// </summary>
public static class TruncationWaiterWorker
{
    public const int UnexpectedExitCode = 3;
    private static readonly TimeSpan s_patience = TimeSpan.FromMinutes(2);

    public static int Run(string[] args)
    {
        string kind = args[0], segment = args[1];
        try
        {
            Action wait = kind switch
            {
                "queue" => Waiter(ShmQueue<ChaosItem>.OpenExisting(segment), q => q.Dequeue(s_patience)),
                "bytequeue" => Waiter(ShmByteQueue.OpenExisting(segment), q => q.Dequeue(s_patience)),
                "pubsub" => Waiter(ShmPubSub<ChaosItem>.OpenExisting(segment).Subscribe(), s => s.Poll(s_patience)),
                "bytepubsub" => Waiter(ShmBytePubSub.OpenExisting(segment).Subscribe(), s => s.TryPoll(out byte[] _, s_patience)),
                "reqrep" => Waiter(ShmReqRepServer.OpenExisting(segment), s => s.Receive(s_patience)),
                _ => throw new ArgumentException($"no waiter for '{kind}'"),
            };
            Console.WriteLine("ready");
            wait();
            Console.WriteLine("received something nobody sent");
            return UnexpectedExitCode;
        }
        catch (ShmCorruptedException)
        {
            Console.WriteLine("told");
            return 0;
        }
        catch (Exception e)
        {
            Console.WriteLine("unexpected " + e.GetType().Name);
            Console.Error.WriteLine(e);
            return UnexpectedExitCode;
        }
    }

    private static Action Waiter<T>(T target, Action<T> wait) => () => wait(target);
}
