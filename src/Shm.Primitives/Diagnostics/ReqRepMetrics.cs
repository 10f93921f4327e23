using System.Diagnostics.Metrics;

namespace Shm.Primitives.Diagnostics;

/// <summary>
/// ShmReqRep statistics as observable instruments on the meter <c>Shm.Primitives</c>, one measurement per open
/// endpoint tagged <c>shm.segment</c> (the request queue itself also reports as a queue: shm.queue.*).
/// </summary>
internal static class ReqRepMetrics
{
    private static readonly MetricSources<ShmReqRepStats> s_sources = new();

    static ReqRepMetrics()
    {
        QueueMetrics.Meter.CreateObservableCounter("shm.reqrep.requests", () => s_sources.Observe(s => s.Requests), "{request}", "Requests sent on shared-memory request/response channels.");
        QueueMetrics.Meter.CreateObservableCounter("shm.reqrep.replies", () => s_sources.Observe(s => s.Replies), "{reply}", "Replies delivered into response slots.");
        QueueMetrics.Meter.CreateObservableCounter("shm.reqrep.stale_replies", () => s_sources.Observe(s => s.StaleReplies), "{reply}", "Replies and requests rejected because the request was cancelled, cleared or recycled.");
        QueueMetrics.Meter.CreateObservableCounter("shm.reqrep.timeouts", () => s_sources.Observe(s => s.Timeouts), "{request}", "Requests whose caller gave up at its deadline.");
        QueueMetrics.Meter.CreateObservableCounter("shm.reqrep.cancels", () => s_sources.Observe(s => s.Cancels), "{request}", "Requests cancelled by their caller.");
        QueueMetrics.Meter.CreateObservableCounter("shm.reqrep.recoveries", () => s_sources.Observe(s => s.Recoveries), "{repair}", "Slots and locks recovered after a process died.");
        QueueMetrics.Meter.CreateObservableUpDownCounter("shm.reqrep.slots_in_use", () => s_sources.Observe(s => s.ResponseSlots - s.FreeSlots), "{slot}", "Response slots held by requests.");
        QueueMetrics.Meter.CreateObservableUpDownCounter("shm.reqrep.queued", () => s_sources.Observe(s => s.Queued), "{request}", "Requests waiting in the request queue.");
    }

    public static IDisposable Register(string name, Func<ShmReqRepStats> read) => s_sources.Register(name, read);
}
