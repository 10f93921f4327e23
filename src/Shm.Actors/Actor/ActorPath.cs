using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Shm.Actors;

/// <summary>
/// The name of an actor: an <see cref="Actors.Address"/> followed by path elements (<c>/user/orders/o-17</c>) and, for the path of
/// a live incarnation, a uid (<c>#12345</c>). Paths compare by address and elements only, never by uid; two incarnations of
/// the same name have equal paths but different <see cref="IActorRef"/>s. Immutable and shareable across threads.
/// </summary>
public sealed class ActorPath : IEquatable<ActorPath>, IComparable<ActorPath>
{
    /// <summary>The uid that means "any incarnation" (a path that was parsed or built without one).</summary>
    public const long UndefinedUid = 0;

    private readonly ActorPath? _parent;
    private string? _text;

    private ActorPath(Address address, ActorPath? parent, string name, long uid, int depth)
    {
        Address = address;
        _parent = parent;
        Name = name;
        Uid = uid;
        Depth = depth;
    }

    /// <summary>The root path (<c>/</c>) of a system at <paramref name="address"/>.</summary>
    public static ActorPath Root(Address address) => new(address, null, "", UndefinedUid, 0);

    /// <summary>The system the actor lives in.</summary>
    public Address Address { get; }

    /// <summary>The last element, or the empty string for the root.</summary>
    public string Name { get; }

    /// <summary>The incarnation uid, or <see cref="UndefinedUid"/>.</summary>
    public long Uid { get; }

    /// <summary>The number of elements below the root.</summary>
    public int Depth { get; }

    /// <summary>The parent path; the root is its own parent.</summary>
    public ActorPath Parent => _parent ?? this;

    /// <summary>The root path of the same address.</summary>
    public ActorPath RootPath
    {
        get
        {
            ActorPath p = this;
            while (p._parent is not null) p = p._parent;
            return p;
        }
    }

    /// <summary>The elements below the root, outermost first (<c>["user", "a", "b"]</c>).</summary>
    public IReadOnlyList<string> Elements
    {
        get
        {
            var elements = new string[Depth];
            ActorPath p = this;
            for (int i = Depth - 1; i >= 0; i--, p = p._parent!) elements[i] = p.Name;
            return elements;
        }
    }

    /// <summary>The child path <paramref name="name"/> below this one, without a uid.</summary>
    public ActorPath Child(string name) => new(Address, this, name, UndefinedUid, Depth + 1);

    /// <summary>The same path with <paramref name="uid"/>.</summary>
    public ActorPath WithUid(long uid) => uid == Uid ? this : new ActorPath(Address, _parent, Name, uid, Depth);

    /// <summary>Appends one element: <c>path / "child"</c>.</summary>
    public static ActorPath operator /(ActorPath path, string name)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.Child(name);
    }

    /// <summary>Parses <c>protocol://system[@host[:port]]/a/b[#uid]</c>.</summary>
    /// <exception cref="FormatException">The text is not an absolute actor path.</exception>
    public static ActorPath Parse(string text)
    {
        if (!TryParse(text, out ActorPath? path))
            ThrowHelper.ThrowInvalidPath(text);
        return path;
    }

    /// <summary>Tries to parse an absolute actor path.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ActorPath? path)
    {
        path = null;
        if (text is null || !Address.TryParse(text, out Address? address, out int consumed)) return false;
        long uid = UndefinedUid;
        string rest = text[consumed..];
        int hash = rest.IndexOf('#');
        if (hash >= 0)
        {
            if (!long.TryParse(rest.AsSpan(hash + 1), out uid)) return false;
            rest = rest[..hash];
        }
        ActorPath p = Root(address);
        foreach (string element in rest.Split('/', StringSplitOptions.RemoveEmptyEntries)) p = p.Child(element);
        path = p.WithUid(uid);
        return true;
    }

    /// <summary>The path without uid: <c>shm://sys/user/a</c>.</summary>
    public override string ToString()
    {
        if (_text is not null) return _text;
        if (Depth == 0) return _text = Address + "/";
        var sb = new StringBuilder();
        sb.Append(Address);
        AppendElements(sb);
        return _text = sb.ToString();
    }

    /// <summary>The path without its address: <c>/user/a</c>.</summary>
    public string ToStringWithoutAddress()
    {
        if (Depth == 0) return "/";
        var sb = new StringBuilder();
        AppendElements(sb);
        return sb.ToString();
    }

    /// <summary>The path with its uid, <c>shm://sys/user/a#42</c>: what a remote peer needs to reach this exact incarnation.</summary>
    public string ToSerializationFormat() => Uid == UndefinedUid ? ToString() : ToString() + "#" + Uid;

    private void AppendElements(StringBuilder sb)
    {
        if (_parent is not null && _parent.Depth > 0) _parent.AppendElements(sb);
        sb.Append('/').Append(Name);
    }

    /// <summary>Equal when address and elements are equal; the uid is ignored.</summary>
    public bool Equals(ActorPath? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || Depth != other.Depth) return false;
        ActorPath? a = this, b = other;
        while (a is not null && b is not null)
        {
            if (ReferenceEquals(a, b)) return true;
            if (a.Name != b.Name) return false;
            if (a._parent is null) return a.Address == b.Address;
            a = a._parent;
            b = b._parent;
        }
        return false;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ActorPath);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        for (ActorPath? p = this; p is not null; p = p._parent)
        {
            if (p._parent is null) hash.Add(p.Address);
            else hash.Add(p.Name);
        }
        return hash.ToHashCode();
    }

    /// <summary>Orders paths by their text, which keeps siblings together.</summary>
    public int CompareTo(ActorPath? other) => other is null ? 1 : string.CompareOrdinal(ToString(), other.ToString());

    /// <summary>Value equality (uid ignored).</summary>
    public static bool operator ==(ActorPath? left, ActorPath? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Value inequality (uid ignored).</summary>
    public static bool operator !=(ActorPath? left, ActorPath? right) => !(left == right);
}
