using System.IO.MemoryMappedFiles;

namespace Shm.Chaos;

/// <summary>
/// What a worker did, in a file it maps: [count][entry 0][entry 1]... An entry is written before the count that
/// covers it (commit last), so whatever the count says survives a SIGKILL of the writer. A worker logs the items of
/// a put before making the call and the items of a take after it returns; an operation whose End entry is missing
/// was in flight when the worker died.
/// </summary>
public sealed class OpLog : IDisposable
{
    public enum Tag : byte
    {
        BeginPut = 1,   // value: how many items follow
        BeginTake = 2,  // value: the most items the take may return
        Item = 3,       // value: an item id
        Torn = 4,       // value: an item id (or -1) whose bytes were not what the id makes
        End = 5,        // value: items the operation accepted (put) or returned (take)
    }

    private const int TagShift = 56;
    private const long ValueMask = (1L << TagShift) - 1;

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly long _capacity;
    private long _count;

    public OpLog(string path, long capacity)
    {
        _capacity = capacity;
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.OpenOrCreate, null, (capacity + 1) * sizeof(long));
        _view = _file.CreateViewAccessor();
    }

    public void Append(Tag tag, long value)
    {
        if (_count == _capacity)
            throw new InvalidOperationException($"operation log full ({_capacity} entries)");
        _view.Write((_count + 1) * sizeof(long), ((long)tag << TagShift) | (value & ValueMask));
        _count++;
        Thread.MemoryBarrier();
        _view.Write(0, _count);
    }

    public void Dispose()
    {
        _view.Dispose();
        _file.Dispose();
    }

    /// <summary>How a log's entries map onto the ledger.</summary>
    public enum Mode
    {
        /// <summary>Puts wrote items, takes consumed them.</summary>
        Queue,
        /// <summary>A ReqRep client: a put's End(1) means the round trip completed with the right answer.</summary>
        Client,
        /// <summary>A ReqRep server: a take's items are requests it served (reported to the served callback).</summary>
        Server,
    }

    /// <summary>Reads a log written by a (possibly dead) worker into the ledger.</summary>
    public static void ReadInto(string path, Ledger ledger, Mode mode = Mode.Queue, Action<long>? served = null)
    {
        if (!File.Exists(path))
            return;
        byte[] bytes;
        using (FileStream stream = File.OpenRead(path))
        {
            // Only the committed entries: the file is as long as the log's capacity, mostly zeros.
            var head = new byte[sizeof(long)];
            stream.ReadExactly(head);
            long committed = Math.Clamp(BitConverter.ToInt64(head), 0, stream.Length / sizeof(long) - 1);
            bytes = new byte[(committed + 1) * sizeof(long)];
            stream.Position = 0;
            stream.ReadExactly(bytes);
        }
        long count = bytes.Length / sizeof(long) - 1;
        Tag? open = null;
        long openSize = 0;
        var items = new List<long>();
        for (long i = 0; i < count; i++)
        {
            long entry = BitConverter.ToInt64(bytes, (int)((i + 1) * sizeof(long)));
            var tag = (Tag)(entry >>> TagShift);
            long value = entry & ValueMask;
            if ((value & (1L << (TagShift - 1))) != 0)
                value |= ~ValueMask; // sign-extend (-1)
            switch (tag)
            {
                case Tag.BeginPut:
                case Tag.BeginTake:
                    open = tag;
                    openSize = value;
                    items.Clear();
                    break;
                case Tag.Item:
                    items.Add(value);
                    if (open == Tag.BeginTake && mode == Mode.Server)
                        served?.Invoke(value);
                    else if (open == Tag.BeginTake)
                        ledger.Got(value, intact: true);
                    break;
                case Tag.Torn:
                    ledger.Got(value, intact: false);
                    break;
                case Tag.End:
                    if (open == Tag.BeginPut)
                    {
                        for (int k = 0; k < items.Count; k++)
                        {
                            if (k < value)
                            {
                                ledger.Put(items[k]);
                                if (mode == Mode.Client)
                                    ledger.Got(items[k], intact: true);
                            }
                            else if (mode == Mode.Client)
                            {
                                ledger.Put(items[k]); // sent, answered wrongly or not at all: counted torn or lost
                            }
                        }
                    }
                    open = null;
                    break;
            }
        }
        if (open == Tag.BeginPut)
        {
            foreach (long id in items)
                ledger.Maybe(id);
            ledger.AllowLoss(openSize);
        }
        else if (open == Tag.BeginTake)
        {
            ledger.AllowLoss(openSize);
        }
    }
}
