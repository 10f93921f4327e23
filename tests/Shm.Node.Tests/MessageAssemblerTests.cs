namespace Shm.Node.Tests;

/// <summary>The inbox reader's reassembly of messages longer than one cell, cell by cell.</summary>
public sealed class MessageAssemblerTests
{
    private const int Max = InboxCell.MaxPayload;

    private static byte[] Message(int length, int seed) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 13 + seed))];

    /// <summary>The cells a writer makes for <paramref name="message"/>: (flags, share) in order.</summary>
    private static List<(ushort Flags, byte[] Share)> Cells(byte[] message)
    {
        var cells = new List<(ushort, byte[])>();
        for (int sent = 0; sent < message.Length; sent += Max)
        {
            int share = Math.Min(Max, message.Length - sent);
            ushort flags = (ushort)((sent > 0 ? InboxCell.Continued : 0) | (sent + share < message.Length ? InboxCell.More : 0));
            cells.Add((flags, message[sent..(sent + share)]));
        }
        return cells;
    }

    [Fact]
    public void Interleaved_messages_of_several_origins_come_out_whole()
    {
        var assembler = new MessageAssembler(1 << 20);
        byte[] first = Message(Max * 3 + 17, 1), second = Message(Max * 2, 2);
        var a = Cells(first);
        var b = Cells(second);
        var completed = new List<(long, byte[])>();
        for (int i = 0; i < Math.Max(a.Count, b.Count); i++)
        {
            foreach (var (origin, cells, length) in new[] { (1L, a, first.Length), (2L, b, second.Length) })
            {
                if (i >= cells.Count)
                    continue;
                AssemblyStep step = assembler.Add(origin, cells[i].Flags, length, cells[i].Share, out byte[] message);
                Assert.Equal(i == cells.Count - 1 ? AssemblyStep.Complete : AssemblyStep.Incomplete, step);
                if (step == AssemblyStep.Complete)
                {
                    completed.Add((origin, message[..length]));
                    MessageAssembler.Return(message);
                }
            }
        }
        Assert.Equal([2L, 1L], completed.Select(c => c.Item1));
        Assert.Equal(second, completed[0].Item2);
        Assert.Equal(first, completed[1].Item2);
        Assert.Equal(0, assembler.InFlight);
    }

    [Fact]
    public void Cells_that_do_not_follow_what_came_before_are_corrupt_and_drop_the_message_they_break()
    {
        var assembler = new MessageAssembler(4096);
        byte[] message = Message(Max * 3, 3);
        var cells = Cells(message);

        // A continuation or an end with no beginning.
        Assert.Equal(AssemblyStep.Corrupt, assembler.Add(1, cells[1].Flags, message.Length, cells[1].Share, out _));
        Assert.Equal(AssemblyStep.Corrupt, assembler.Add(1, cells[2].Flags, message.Length, cells[2].Share, out _));
        // A beginning that is not full, that announces no more than it carries, or more than any message may be.
        Assert.Equal(AssemblyStep.Corrupt, assembler.Add(1, InboxCell.More, message.Length, cells[0].Share[..10], out _));
        Assert.Equal(AssemblyStep.Corrupt, assembler.Add(1, InboxCell.More, Max, cells[0].Share, out _));
        Assert.Equal(AssemblyStep.Corrupt, assembler.Add(1, InboxCell.More, 4097, cells[0].Share, out _));
        Assert.Equal(0, assembler.InFlight);

        // A middle that announces another length, and one that overruns the announced length.
        Assert.Equal(AssemblyStep.Incomplete, assembler.Add(1, cells[0].Flags, message.Length, cells[0].Share, out _));
        Assert.Equal(AssemblyStep.Corrupt, assembler.Add(1, cells[1].Flags, message.Length + 1, cells[1].Share, out _));
        Assert.Equal(0, assembler.InFlight);
        Assert.Equal(AssemblyStep.Incomplete, assembler.Add(1, cells[0].Flags, Max + 10, cells[0].Share, out _));
        Assert.Equal(AssemblyStep.Corrupt, assembler.Add(1, cells[1].Flags, Max + 10, cells[1].Share, out _));
        Assert.Equal(0, assembler.InFlight);

        // An end that comes short of the announced length, and a second beginning before the first one ended.
        Assert.Equal(AssemblyStep.Incomplete, assembler.Add(1, cells[0].Flags, message.Length, cells[0].Share, out _));
        Assert.Equal(AssemblyStep.Corrupt, assembler.Add(1, InboxCell.Continued, message.Length, cells[1].Share, out _));
        Assert.Equal(AssemblyStep.Incomplete, assembler.Add(1, cells[0].Flags, message.Length, cells[0].Share, out _));
        Assert.Equal(AssemblyStep.Corrupt, assembler.Add(1, cells[0].Flags, message.Length, cells[0].Share, out _));
        Assert.Equal(0, assembler.InFlight);

        // After all that, the same origin's next message comes out whole.
        byte[] whole = [];
        foreach (var (flags, share) in cells)
        {
            if (assembler.Add(1, flags, message.Length, share, out byte[] done) == AssemblyStep.Complete)
                whole = done[..message.Length];
        }
        Assert.Equal(message, whole);
    }

    [Fact]
    public void Forgetting_an_origin_drops_its_unfinished_message()
    {
        var assembler = new MessageAssembler(4096);
        byte[] message = Message(Max * 2, 4);
        var cells = Cells(message);
        Assert.Equal(AssemblyStep.Incomplete, assembler.Add(7, cells[0].Flags, message.Length, cells[0].Share, out _));
        Assert.Equal(1, assembler.InFlight);
        Assert.True(assembler.Forget(7));
        Assert.False(assembler.Forget(7));
        Assert.Equal(0, assembler.InFlight);
        Assert.Equal(AssemblyStep.Corrupt, assembler.Add(7, cells[1].Flags, message.Length, cells[1].Share, out _));
    }
}
