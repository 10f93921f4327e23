using System.Text;

namespace Shm.Actors.PubSub;

/// <summary>
/// What a topic may be called and the segment file it lives in. A topic is any text of 1..<see cref="MaxTopicBytes"/>
/// UTF-8 bytes; its segment is <c>{system}.topic.{escaped}</c> in the transport's segment directory, where letters,
/// digits, '-' and '_' stay as they are and every other byte becomes <c>%XX</c> (so '/', '.', spaces and non-ASCII
/// text can never escape the directory, and two topics never share a file). The <c>{system}.</c> prefix puts topic
/// segments among the system's other segments, removed with them.
/// </summary>
internal static class TopicName
{
    /// <summary>The longest topic, in UTF-8 bytes (escaped it is at most three times as long).</summary>
    public const int MaxTopicBytes = 64;

    /// <summary>The longest file name Linux accepts (NAME_MAX).</summary>
    public const int MaxSegmentNameBytes = 255;

    private const string Infix = ".topic.";
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Returns <paramref name="topic"/> if it is a valid topic name.</summary>
    /// <exception cref="ArgumentNullException">The topic is null.</exception>
    /// <exception cref="ArgumentException">It is empty, longer than <see cref="MaxTopicBytes"/> UTF-8 bytes, or not valid UTF-16 text.</exception>
    public static string Validate(string topic, string parameterName = "topic")
    {
        ArgumentNullException.ThrowIfNull(topic, parameterName);
        if (topic.Length == 0)
            throw new ArgumentException($"A topic name must not be empty; use 1 to {MaxTopicBytes} UTF-8 bytes.", parameterName);
        int bytes;
        try
        {
            bytes = s_strictUtf8.GetByteCount(topic);
        }
        catch (EncoderFallbackException)
        {
            throw new ArgumentException($"Topic '{topic}' contains an unpaired surrogate, which has no UTF-8 form; topics are text of 1 to {MaxTopicBytes} UTF-8 bytes.", parameterName);
        }
        if (bytes > MaxTopicBytes)
            throw new ArgumentException($"Topic '{topic}' is {bytes} UTF-8 bytes long; a topic is at most {MaxTopicBytes} bytes. Use a shorter name.", parameterName);
        return topic;
    }

    /// <summary>What every topic segment of <paramref name="system"/> begins with: <c>{system}.topic.</c>.</summary>
    public static string SegmentPrefix(string system) => system + Infix;

    /// <summary>The segment name of <paramref name="topic"/> (already validated) in system <paramref name="system"/>.</summary>
    /// <exception cref="ArgumentException">System and escaped topic together exceed a file name's 255 bytes.</exception>
    public static string SegmentName(string system, string topic)
    {
        var name = new StringBuilder(system.Length + Infix.Length + topic.Length * 3);
        name.Append(SegmentPrefix(system));
        foreach (byte b in s_strictUtf8.GetBytes(topic))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_')
                name.Append((char)b);
            else
                name.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        int length = Encoding.UTF8.GetByteCount(name.ToString());
        if (length > MaxSegmentNameBytes)
            throw new ArgumentException(
                $"Topic '{topic}' of system '{system}' needs the segment file name '{name}', {length} bytes; file names are at most {MaxSegmentNameBytes} bytes. Use a shorter topic (fewer characters outside letters, digits, '-' and '_', which take 3 bytes each) or system name.",
                "topic");
        return name.ToString();
    }

    /// <summary>The topic whose escaped segment-name part is <paramref name="escaped"/>, or null when it is no such part.</summary>
    public static string? FromSegmentName(string escaped)
    {
        var bytes = new List<byte>(escaped.Length);
        for (int i = 0; i < escaped.Length; i++)
        {
            char c = escaped[i];
            if (c == '%' && i + 2 < escaped.Length
                && byte.TryParse(escaped.AsSpan(i + 1, 2), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out byte b))
            {
                bytes.Add(b);
                i += 2;
            }
            else if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            {
                bytes.Add((byte)c);
            }
            else
            {
                return null;
            }
        }
        try
        {
            return s_strictUtf8.GetString([.. bytes]);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
