using Shm.Actors.Dispatch;
using Shm.Actors.Event;

namespace Shm.Actors.Internal;

/// <summary>The stash of one cell; survives restarts of the actor instance (it is emptied back into the mailbox then).</summary>
internal sealed class UnboundedStash(ActorCell cell) : IStash
{
    private readonly LinkedList<Envelope> _items = new();

    public int Count => _items.Count;

    public bool IsEmpty => _items.Count == 0;

    public void Stash()
    {
        if (cell.CurrentMessage is not { } message)
            throw ThrowHelper.CreateStashOutsideMessage();
        if (cell.CurrentMessageStashed)
            throw ThrowHelper.CreateStashTwice(message);
        cell.CurrentMessageStashed = true;
        _items.AddLast(new Envelope(message, cell.CurrentSender));
    }

    public void Unstash()
    {
        if (_items.First is not { } first) return;
        _items.RemoveFirst();
        cell.Mailbox.EnqueueFirst([first.Value]);
    }

    public void UnstashAll() => UnstashAll(static _ => true);

    public void UnstashAll(Func<Envelope, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        if (_items.Count == 0) return;
        List<Envelope> back = [.. _items.Where(predicate)];
        _items.Clear();
        cell.Mailbox.EnqueueFirst(back);
    }

    public IEnumerable<Envelope> ClearStash()
    {
        List<Envelope> all = [.. _items];
        _items.Clear();
        return all;
    }

    /// <summary>On restart: everything back into the mailbox, ahead of newer mail.</summary>
    public void ReturnAllToMailbox() => UnstashAll();

    /// <summary>On stop: everything to dead letters.</summary>
    public void DeadLetterAll()
    {
        foreach (Envelope e in _items) cell.System.DeadLetterRef.Deliver(e.Message, e.Sender, cell.SelfRef);
        _items.Clear();
    }
}
