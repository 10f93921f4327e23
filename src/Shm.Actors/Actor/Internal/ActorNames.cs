namespace Shm.Actors.Internal;

/// <summary>Actor name rules: what a user may choose, and the <c>$</c> names the runtime generates.</summary>
internal static class ActorNames
{
    private const string ExtraCharacters = "-_.*$+:@&=,!~';()\"";
    private const string Base64Characters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+~";

    /// <exception cref="InvalidActorNameException">Empty, starts with <c>$</c>, or has a character outside ASCII letters, digits and <c>-_.*$+:@&amp;=,!~';()"</c>.</exception>
    public static void Validate(string name)
    {
        if (name.Length == 0) ThrowHelper.ThrowInvalidActorNameEmpty();
        if (name[0] == '$') ThrowHelper.ThrowInvalidActorNameReserved(name);
        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && !ExtraCharacters.Contains(c))
                ThrowHelper.ThrowInvalidActorNameCharacter(name, c, ExtraCharacters);
        }
    }

    /// <summary>A short name for a counter value (<c>a</c>, <c>b</c>, … <c>ba</c>), as in Akka's <c>$a</c>, <c>$b</c>.</summary>
    public static string Base64(long value)
    {
        Span<char> buffer = stackalloc char[12];
        int i = buffer.Length;
        do
        {
            buffer[--i] = Base64Characters[(int)(value & 63)];
            value >>= 6;
        }
        while (value != 0);
        return new string(buffer[i..]);
    }
}
