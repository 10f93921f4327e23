using System.Runtime.InteropServices;
using Shm.Primitives.Participants;
using L = Shm.Primitives.Participants.ParticipantRecordLayout;

namespace Shm.Primitives.Tests;

/// <summary>A thread's participant lookup: one record per (table, thread), found again whatever order the tables come in.</summary>
public sealed unsafe class ParticipantTableTests
{
    /// <summary>Tables over native memory (no segment: the lookup is what is tested), freed on dispose.</summary>
    private sealed class Tables : IDisposable
    {
        private const int RecordsEach = 16;
        private readonly List<IntPtr> _blocks = [];

        public ParticipantTable[] All { get; }

        public Tables(int count)
        {
            All = new ParticipantTable[count];
            for (int i = 0; i < count; i++)
            {
                byte* records = Allocate(RecordsEach * L.Size);
                ParticipantTable.Initialize(records, RecordsEach);
                All[i] = new ParticipantTable(records, RecordsEach, $"table-{i}", (long*)Allocate(L.CounterCount * sizeof(long)),
                    (uint*)Allocate(sizeof(uint)), (uint*)Allocate(sizeof(uint)));
            }
        }

        private byte* Allocate(int bytes)
        {
            void* block = NativeMemory.AllocZeroed((nuint)bytes);
            _blocks.Add((IntPtr)block);
            return (byte*)block;
        }

        public void Dispose()
        {
            foreach (ParticipantTable table in All)
                table.ReleaseAll();
            foreach (IntPtr block in _blocks)
                NativeMemory.Free((void*)block);
        }
    }

    [Theory]
    [InlineData(2)] // the inlined pair
    [InlineData(4)] // the recent ones
    [InlineData(9)] // past both: the weak table
    public void A_thread_going_round_several_tables_keeps_one_record_in_each(int count)
    {
        using var tables = new Tables(count);
        ThreadParticipant[] first = tables.All.Select(t => t.Current).ToArray();
        Assert.Equal(count, first.Select(p => (IntPtr)p.Record).Distinct().Count());
        var random = new Random(count);
        for (int i = 0; i < 10_000; i++)
        {
            int pick = i % 3 == 0 ? random.Next(count) : i % count; // round and round, and at random
            Assert.Same(first[pick], tables.All[pick].Current);
        }
        // Another thread gets records of its own.
        ThreadParticipant[] other = [];
        var thread = new Thread(() => other = tables.All.Select(t => t.Current).ToArray());
        thread.Start();
        thread.Join();
        Assert.All(Enumerable.Range(0, count), i => Assert.NotEqual((IntPtr)first[i].Record, (IntPtr)other[i].Record));
    }

    [Fact]
    public void A_released_table_throws_though_this_thread_had_its_record_cached()
    {
        using var tables = new Tables(3);
        foreach (ParticipantTable table in tables.All)
            _ = table.Current; // each now cached: the last two in the inlined pair, all in the recent ones
        tables.All[1].ReleaseAll();
        Assert.Throws<ObjectDisposedException>(() => tables.All[1].Current);
        tables.All[2].ReleaseAll();
        Assert.Throws<ObjectDisposedException>(() => tables.All[2].Current);
        _ = tables.All[0].Current;
    }
}
