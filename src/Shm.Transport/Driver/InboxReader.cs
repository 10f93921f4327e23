using Shm.Primitives;

namespace Shm.Transport.Driver;

/// <summary>
/// The one reader of a node's inbox: a thread that takes envelopes in batches (one lock hold per batch) and hands each
/// to the node for dispatch. Bad input never stops it: a message too large for any envelope is taken and counted.
/// </summary>
internal sealed class InboxReader : IDisposable
{
    private static readonly TimeSpan s_wakeInterval = TimeSpan.FromMilliseconds(100);
    private readonly ShmTransportDriver _node;
    private readonly ShmByteQueue _inbox;
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private readonly int _bufferBytes;
    private readonly bool _spin;
    private readonly Task _listening;

    public InboxReader(ShmTransportDriver node, ShmByteQueue inbox, ShmTransportOptions options, Task listening)
    {
        _node = node;
        _inbox = inbox;
        _bufferBytes = Math.Max(options.MaxMessageBytes, 1 << 20);
        _spin = options.WaitStrategy == ShmWaitStrategy.SpinThenSleep;
        _listening = listening;
        _thread = new Thread(Run) { IsBackground = true, Name = $"Shm inbox {options.NodeName}" };
        _thread.Start();
    }

    private void Run()
    {
        // Nothing is read before the layer above listens: until then the ring holds what arrives, in order.
        try
        {
            _listening.Wait(_stop.Token);
        }
        catch (Exception error) when (error is OperationCanceledException or AggregateException)
        {
            return; // stopped, or the driver shut down before anyone listened
        }
        byte[] buffer = new byte[_bufferBytes];
        int[] lengths = new int[256];
        while (!_stop.IsCancellationRequested)
        {
            int taken;
            try
            {
                // A hot spin first: while traffic flows the next batch is usually a few microseconds away, and taking
                // it at once (rather than after a back-off step or a futex wake-up) is what keeps a request-reply
                // pipeline between two nodes moving (remote ping-pong with one client: about 1.6x the rate).
                if (_spin)
                    _inbox.SpinUntilMayHaveMessages();
                taken = _inbox.DequeueMany(buffer, lengths, s_wakeInterval, _spin, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (taken == 0)
            {
                if (_inbox.TryPeekLength(out int length) && length > buffer.Length && _inbox.TryDequeue(out byte[] _))
                    _node.CountCorrupt(); // longer than any envelope a node writes
                continue;
            }
            int offset = 0;
            for (int i = 0; i < taken; i++)
            {
                try
                {
                    _node.Deliver(buffer, offset, lengths[i]);
                }
                catch (Exception)
                {
                    _node.CountCorrupt(); // a recipient's Tell threw: the reader goes on
                }
                offset += lengths[i];
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
    }
}
