using Shm.TestWorker;

namespace Shm.Primitives.Tests.ReqRep;

/// <summary>A server thread in the test process answering every request with ReqRepEcho.Answer until disposed.</summary>
public sealed class ServingThread : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _task;

    public ServingThread(ShmReqRepServer server) => _task = Task.Run(() =>
    {
        try
        {
            while (true)
            {
                ShmRequest request = server.Receive(Timeout.InfiniteTimeSpan, _stop.Token);
                server.Reply(request.Id, ReqRepEcho.Answer(request.Payload.Span));
            }
        }
        catch (OperationCanceledException)
        {
        }
    });

    public void Dispose()
    {
        _stop.Cancel();
        _task.Wait();
    }
}
