using Shm.Actors.Internal;

namespace Shm.Actors;

/// <summary>
/// A path pattern, resolved again on every send: elements may use <c>*</c> (any run of characters) and <c>?</c> (one
/// character), and <c>..</c> goes to the parent. A Tell reaches every live actor that matches at that moment, or becomes a
/// dead letter when none does; an <see cref="Identify"/> to a non-wildcard path that matches nothing is answered with an
/// <see cref="ActorIdentity"/> whose subject is null. A selection cannot be watched: resolve it first.
/// </summary>
public sealed class ActorSelection : ICanTell
{
    private readonly InternalActorRef _anchor;
    private readonly string[] _elements;
    private readonly bool _hasWildcard;

    private ActorSelection(ActorSystemImpl system, InternalActorRef anchor, string[] elements)
    {
        System = system;
        _anchor = anchor;
        _elements = elements;
        _hasWildcard = elements.Any(e => e.Contains('*') || e.Contains('?'));
    }

    /// <summary>The actor the pattern is relative to.</summary>
    public IActorRef Anchor => _anchor;

    /// <summary>The pattern, e.g. <c>/user/workers/*</c>.</summary>
    public string PathString => "/" + string.Join('/', _elements);

    internal ActorSystemImpl System { get; }

    /// <summary>Builds a selection from an absolute path (<c>/user/a</c>, <c>shm://Sys/user/a</c>) or one relative to <paramref name="self"/>.</summary>
    internal static ActorSelection Create(ActorSystemImpl system, InternalActorRef self, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Contains("://", StringComparison.Ordinal))
        {
            if (!ActorPath.TryParse(path, out ActorPath? parsed))
                ThrowHelper.ThrowInvalidSelectionPath(path, system.Name);
            if (parsed.Address != system.LocalProvider.DefaultAddress)
            {
                // Another system: only a transport's provider can resolve it (to dead letters without one). No wildcards there.
                IActorRef resolved = system.Provider.ResolveActorRef(parsed);
                return new ActorSelection(system, resolved as InternalActorRef ?? new ForeignRef(resolved), []);
            }
            return new ActorSelection(system, system.LocalProvider.RootGuardian, [.. parsed.Elements]);
        }
        string[] elements = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        InternalActorRef anchor = path.StartsWith('/') ? system.LocalProvider.RootGuardian : self;
        return new ActorSelection(system, anchor, elements);
    }

    /// <summary>Sends to every actor matching now; see the class remarks for what happens when none does.</summary>
    public void Tell(object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        var matches = new List<InternalActorRef>();
        Collect(_anchor, 0, matches);
        if (matches.Count == 0)
        {
            if (message is Identify identify)
            {
                if (!_hasWildcard) sender?.Tell(new ActorIdentity(identify.MessageId, null), ActorRefs.NoSender);
                return;
            }
            System.DeadLetterRef.Deliver(message, sender, _anchor);
            return;
        }
        foreach (InternalActorRef target in matches) target.Tell(message, sender);
    }

    /// <summary>The one actor at this path, via <see cref="Identify"/>.</summary>
    /// <exception cref="ActorNotFoundException">No actor answered within <paramref name="timeout"/>, or none exists.</exception>
    public Task<IActorRef> ResolveOne(TimeSpan timeout) => ResolveOne(timeout, CancellationToken.None);

    /// <summary>The one actor at this path, via <see cref="Identify"/>, until <paramref name="timeout"/> or cancellation.</summary>
    /// <exception cref="ActorNotFoundException">No actor answered within <paramref name="timeout"/>, or none exists.</exception>
    public async Task<IActorRef> ResolveOne(TimeSpan timeout, CancellationToken cancellationToken)
    {
        ActorIdentity identity;
        try
        {
            identity = await this.Ask<ActorIdentity>(new Identify(null), timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (AskTimeoutException e)
        {
            throw ThrowHelper.CreateSelectionNoAnswer(this, timeout, e);
        }
        return identity.Subject ?? throw ThrowHelper.CreateSelectionNoActor(this);
    }

    private void Collect(InternalActorRef current, int index, List<InternalActorRef> matches)
    {
        if (index == _elements.Length)
        {
            if (!current.IsTerminated) matches.Add(current);
            return;
        }
        string element = _elements[index];
        if (element == "..")
        {
            if (current.Parent is { } parent && parent is LocalActorRef) Collect(parent, index + 1, matches);
            return;
        }
        if (element == ".")
        {
            Collect(current, index + 1, matches);
            return;
        }
        if (element.Contains('*') || element.Contains('?'))
        {
            foreach (InternalActorRef child in current.GetChildren())
            {
                if (Glob.Matches(element, child.Path.Name)) Collect(child, index + 1, matches);
            }
            return;
        }
        if (current.GetSingleChild(element) is { } next) Collect(next, index + 1, matches);
    }

    /// <inheritdoc />
    public override string ToString() => $"ActorSelection[Anchor({_anchor.Path}), Path({PathString})]";

    /// <summary>Wraps a ref a transport's provider returned that is not one of the runtime's own.</summary>
    private sealed class ForeignRef(IActorRef inner) : MinimalActorRef
    {
        public override ActorPath Path => inner.Path;

        public override void Tell(object message, IActorRef? sender) => inner.Tell(message, sender);
    }
}
