using System.Buffers;
using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Shm.Actors.Serialization;

/// <summary>
/// Built-in serializer 102, bound to <see cref="Exception"/>, <see cref="Status.Failure"/> and <see cref="Status.Success"/>
/// (whose <see cref="object"/>-typed payloads JSON could not bring back as their types). An exception travels as its
/// version-free type name, message, stack trace and inner exception (recursively, up to <see cref="MaxInnerDepth"/>
/// levels). The receiver recreates the same type through its public <c>(string, Exception)</c> or <c>(string)</c>
/// constructor, with the sender's stack trace as the remote part of <see cref="Exception.StackTrace"/>; when the type is
/// missing, is not an exception or has neither constructor, it builds a <see cref="RemoteException"/> carrying the original
/// type name and message. Other exception state (properties, <see cref="Exception.Data"/>) is not carried.
/// </summary>
/// <remarks>
/// Payload: <c>exception</c> = type name, message, stack trace (strings, see <see cref="WireWriter"/>), then a byte
/// (1: an inner <c>exception</c> follows, 0: none). A <see cref="Status.Failure"/> is its cause's <c>exception</c>, then a
/// byte (1: state follows, 0: none); the state is written as serializer id (int), manifest (string) and, up to the end of
/// the payload, the bytes of the serializer the state's type is bound to. A <see cref="Status.Success"/> is that same
/// optional nested payload alone.
/// </remarks>
internal sealed class ExceptionSerializer(ActorSystem system, Serialization serialization) : Serializer(system)
{
    public const int Id = 102;

    /// <summary>Inner exceptions carried below the outermost one; deeper ones are dropped (and refused when read).</summary>
    public const int MaxInnerDepth = 16;

    private const string FailureManifest = "F";
    private const string SuccessManifest = "S";
    private const string ExceptionManifest = "E";
    private const byte Absent = 0;
    private const byte Present = 1;

    private static readonly Type[] s_messageAndInner = [typeof(string), typeof(Exception)];
    private static readonly Type[] s_messageOnly = [typeof(string)];

    public override int Identifier => Id;

    public override bool IncludeManifest => true;

    public override string Manifest(object message) => message switch
    {
        Status.Failure => FailureManifest,
        Status.Success => SuccessManifest,
        Exception => ExceptionManifest,
        _ => throw ThrowHelper.CreateExceptionSerializerUnsupported(message?.GetType()),
    };

    public override object FromBinary(byte[] bytes, Type type)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(type);
        if (type == typeof(Status.Failure)) return FromBinary(bytes, FailureManifest);
        if (type == typeof(Status.Success)) return FromBinary(bytes, SuccessManifest);
        if (typeof(Exception).IsAssignableFrom(type)) return FromBinary(bytes, ExceptionManifest);
        throw ThrowHelper.CreateExceptionSerializerUnsupported(type);
    }

    public override void ToBinary(object message, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (message)
        {
            case Status.Failure failure:
                WriteException(writer, failure.Cause, depth: 0);
                WriteNested(writer, failure.State);
                break;
            case Status.Success success:
                WriteNested(writer, success.Status);
                break;
            case Exception exception:
                WriteException(writer, exception, depth: 0);
                break;
            default:
                throw ThrowHelper.CreateExceptionSerializerUnsupported(message?.GetType());
        }
    }

    public override object FromBinary(ReadOnlySpan<byte> bytes, string manifest)
    {
        switch (manifest)
        {
            case FailureManifest:
            {
                var reader = new WireReader(bytes, "Status.Failure");
                Exception cause = ReadException(ref reader, depth: 0);
                return new Status.Failure(cause, ReadNested(ref reader));
            }
            case SuccessManifest:
            {
                var reader = new WireReader(bytes, "Status.Success");
                return new Status.Success(ReadNested(ref reader));
            }
            case ExceptionManifest:
            {
                var reader = new WireReader(bytes, "an exception");
                return ReadException(ref reader, depth: 0);
            }
            default:
                throw ThrowHelper.CreateExceptionSerializerUnknownManifest(manifest);
        }
    }

    private static void WriteException(IBufferWriter<byte> writer, Exception exception, int depth)
    {
        string typeName = exception is RemoteException remote ? remote.OriginalTypeName : TypeManifest.Of(exception.GetType());
        WireWriter.WriteString(writer, typeName);
        WireWriter.WriteString(writer, exception.Message);
        WireWriter.WriteString(writer, exception.StackTrace);
        if (exception.InnerException is { } inner && depth < MaxInnerDepth)
        {
            WireWriter.WriteByte(writer, Present);
            WriteException(writer, inner, depth + 1);
        }
        else
        {
            WireWriter.WriteByte(writer, Absent);
        }
    }

    private static Exception ReadException(ref WireReader reader, int depth)
    {
        string typeName = reader.ReadString("exception type") ?? "";
        string message = reader.ReadString("exception message") ?? "";
        string? stackTrace = reader.ReadString("exception stack trace");
        Exception? inner = null;
        byte hasInner = reader.ReadByte("inner exception flag");
        if (hasInner == Present)
        {
            if (depth >= MaxInnerDepth) ThrowHelper.ThrowCorruptPayload("an exception", "the inner exception depth", depth + 1, $"at most {MaxInnerDepth}");
            inner = ReadException(ref reader, depth + 1);
        }
        else if (hasInner != Absent)
        {
            ThrowHelper.ThrowCorruptPayload("an exception", "the inner exception flag", hasInner, "0 or 1");
        }
        Exception exception = Recreate(typeName, message, inner);
        if (!string.IsNullOrEmpty(stackTrace)) ExceptionDispatchInfo.SetRemoteStackTrace(exception, stackTrace);
        return exception;
    }

    /// <summary>The original type through its (message, inner) or (message) constructor, else a <see cref="RemoteException"/>.</summary>
    private static Exception Recreate(string typeName, string message, Exception? inner)
    {
        if (TypeManifest.TryResolve(typeName, out Type? type) && typeof(Exception).IsAssignableFrom(type) && !type.IsAbstract)
        {
            try
            {
                if (type.GetConstructor(s_messageAndInner) is { } withInner) return (Exception)withInner.Invoke([message, inner]);
                if (type.GetConstructor(s_messageOnly) is { } messageOnly) return (Exception)messageOnly.Invoke([message]);
            }
            catch (TargetInvocationException)
            {
                // The constructor rejected the message (e.g. validates it): fall back rather than lose the failure.
            }
        }
        return new RemoteException(typeName, message, inner);
    }

    /// <summary>An optional message inside this payload, written by the serializer its type is bound to.</summary>
    private void WriteNested(IBufferWriter<byte> writer, object? state)
    {
        if (state is null)
        {
            WireWriter.WriteByte(writer, Absent);
            return;
        }
        Serializer serializer = serialization.FindSerializerFor(state);
        WireWriter.WriteByte(writer, Present);
        WireWriter.WriteInt32(writer, serializer.Identifier);
        WireWriter.WriteString(writer, serializer.IncludeManifest ? serializer.Manifest(state) : "");
        serializer.ToBinary(state, writer);
    }

    private object? ReadNested(ref WireReader reader)
    {
        byte hasState = reader.ReadByte("nested message flag");
        if (hasState == Absent) return null;
        if (hasState != Present) ThrowHelper.ThrowCorruptPayload("a Status reply", "the nested message flag", hasState, "0 or 1");
        int serializerId = reader.ReadInt32("nested serializer id");
        string manifest = reader.ReadString("nested manifest") ?? "";
        return serialization.Deserialize(reader.Remaining, serializerId, manifest);
    }
}
