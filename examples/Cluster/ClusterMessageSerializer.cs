using Akka.Actor;
using Akka.Serialization;

namespace Shm.Examples.Cluster;

/// <summary>
/// A compact binary serializer for the example's messages: each one crosses a process (and over shm goes through a
/// ring even to an actor of the same process), so Akka's default JSON serializer would cost more than the 50 us jobs
/// themselves. An actor ref travels as its serialized path and is resolved by the receiving system. The same
/// serializer runs over both transports, so a comparison measures the transports.
/// </summary>
public sealed class ClusterMessageSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>The serializer's name and id, as akka.actor.serializers and serialization-identifiers name them.</summary>
    public const string Name = "shm-cluster-example";

    /// <inheritdoc />
    public override int Identifier => 7301; // Akka keeps 0..100 for itself

    /// <inheritdoc />
    public override string Manifest(object o) => o switch
    {
        Job => "J",
        JobDone => "D",
        Fence => "F",
        FenceDone => "FD",
        RegisterWorker => "R",
        WorkerRegistered => "RA",
        GetStats => "S?",
        WorkerStats => "S",
        WorkerProgress => "P",
        _ => throw new ArgumentException($"{o.GetType()} is not a message of the cluster example.", nameof(o)),
    };

    /// <inheritdoc />
    public override byte[] ToBinary(object obj)
    {
        using var buffer = new MemoryStream(32);
        using (var w = new BinaryWriter(buffer))
        {
            switch (obj)
            {
                case Job job: w.Write(job.Id); w.Write(job.WorkMicroseconds); break;
                case JobDone done: w.Write(done.Id); w.Write(done.Node); w.Write(done.Checksum); break;
                case Fence fence: w.Write(fence.Token); break;
                case FenceDone done: w.Write(done.Token); w.Write(done.Node); break;
                case RegisterWorker r:
                    w.Write(r.Node); w.Write(r.Incarnation);
                    w.Write(Serialization.SerializedActorPath(r.Jobs)); w.Write(Serialization.SerializedActorPath(r.Stats));
                    break;
                case WorkerRegistered r: w.Write(r.Incarnation); break;
                case GetStats: break;
                case WorkerStats s: w.Write(s.Node); w.Write(s.Processed); w.Write(s.Incarnation); w.Write(s.CpuSeconds); break;
                case WorkerProgress p: w.Write(p.Node); w.Write(p.Incarnation); w.Write(p.Processed); break;
                default: throw new ArgumentException($"{obj.GetType()} is not a message of the cluster example.", nameof(obj));
            }
        }
        return buffer.ToArray();
    }

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var r = new BinaryReader(new MemoryStream(bytes));
        return manifest switch
        {
            "J" => new Job(r.ReadInt32(), r.ReadInt32()),
            "D" => new JobDone(r.ReadInt32(), r.ReadString(), r.ReadInt64()),
            "F" => new Fence(r.ReadInt64()),
            "FD" => new FenceDone(r.ReadInt64(), r.ReadString()),
            "R" => new RegisterWorker(r.ReadString(), r.ReadInt64(), Resolve(r.ReadString()), Resolve(r.ReadString())),
            "RA" => new WorkerRegistered(r.ReadInt64()),
            "S?" => new GetStats(),
            "S" => new WorkerStats(r.ReadString(), r.ReadInt64(), r.ReadInt64(), r.ReadDouble()),
            "P" => new WorkerProgress(r.ReadString(), r.ReadInt64(), r.ReadInt64()),
            _ => throw new ArgumentException($"Unknown manifest '{manifest}' of the cluster example's serializer.", nameof(manifest)),
        };
    }

    private IActorRef Resolve(string path) => system.Provider.ResolveActorRef(path);
}
