namespace Shm.Actors;

/// <summary>Builds deciders from (exception type → directive) pairs.</summary>
/// <example><code>
/// var decider = Decider.From(Directive.Restart, Directive.Stop.When&lt;ArgumentException&gt;(), Directive.Escalate.When&lt;IOException&gt;());
/// </code></example>
public static class Decider
{
    /// <summary>
    /// A decider that tries <paramref name="pairs"/> in order (the exception <c>is</c> the type) and uses
    /// <paramref name="defaultDirective"/> when none matches.
    /// </summary>
    public static Func<Exception, Directive> From(Directive defaultDirective, params KeyValuePair<Type, Directive>[] pairs)
    {
        KeyValuePair<Type, Directive>[] copy = [.. pairs];
        return exception =>
        {
            foreach (KeyValuePair<Type, Directive> pair in copy)
            {
                if (pair.Key.IsInstanceOfType(exception)) return pair.Value;
            }
            return defaultDirective;
        };
    }

    /// <summary>Pairs <paramref name="directive"/> with <typeparamref name="TException"/> for <see cref="From"/>.</summary>
    public static KeyValuePair<Type, Directive> When<TException>(this Directive directive) where TException : Exception =>
        new(typeof(TException), directive);
}
