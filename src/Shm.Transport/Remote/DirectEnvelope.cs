using System.Buffers;

namespace Shm.Transport.Remote;

// A message of the direct path: one frame of the node link (see LinkFrame) that carries an Akka message straight to its
// recipient, bypassing Akka.Remote's endpoint pipeline. After the frame's kind byte it is an envelope in the layout of
// EnvelopeFormat (recipient path inside the node, sender path with address, serializer id, manifest, payload):
//
//  offset  size  field      meaning
//       0     1  Kind       4 (LinkFrameKind.Envelope)
//       1    16  Header     EnvelopeFormat's: kind (1 user message, 2 system message, 3 ask), the three field lengths, serializer id
//      17     *  Fields     recipient, sender, manifest (UTF-8), then the payload to the end
//
// Every length is checked against the frame before a field is read (EnvelopeFormat.TryRead); a malformed one is dropped whole.

/// <summary>Builds direct-path frames in a buffer of the calling thread (no allocation per message once warm).</summary>
internal static class DirectEnvelope
{
    /// <summary>Bytes before the envelope: the frame's kind.</summary>
    public const int FrameHeaderSize = 1;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    /// <summary>A cleared buffer of this thread that starts with the frame's kind byte; append the envelope to it.</summary>
    public static ArrayBufferWriter<byte> Begin()
    {
        ArrayBufferWriter<byte> buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        buffer.GetSpan(FrameHeaderSize)[0] = (byte)LinkFrameKind.Envelope;
        buffer.Advance(FrameHeaderSize);
        return buffer;
    }

    /// <summary>The envelope of a received direct frame (after its kind byte), validated; false when malformed.</summary>
    public static bool TryRead(ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> envelope, out EnvelopeView view)
    {
        envelope = frame.Length > FrameHeaderSize ? frame[FrameHeaderSize..] : default;
        view = default;
        return frame.Length > FrameHeaderSize && EnvelopeFormat.TryRead(envelope, out view) && view.Kind is EnvelopeFormat.UserMessage or EnvelopeFormat.SystemMessage or EnvelopeFormat.AskRequest;
    }
}
