using Shm.Primitives.Queue;
using Shm.Primitives.Segments;

namespace Shm.Primitives.Tests.Segments;

public class SegmentValidationTests
{
    [Theory]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("x..y")]
    [InlineData("/dev/shm/../etc/passwd")]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("bad\0name")]
    public void Names_that_could_escape_the_directory_are_refused(string name)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => ShmQueue<long>.CreateNew(name, 8));
        Assert.Equal("name", error.ParamName);
    }

    [Fact]
    public void A_missing_segment_is_not_found()
    {
        using var segment = new TestSegment();
        var error = Assert.Throws<FileNotFoundException>(() => ShmQueue<long>.OpenExisting(segment.Name));
        Assert.Contains(segment.Path, error.Message);
        Assert.False(File.Exists(segment.Path));
    }

    [Fact]
    public void Create_new_refuses_an_existing_segment()
    {
        using var segment = new TestSegment();
        using var first = ShmQueue<long>.CreateNew(segment.Name, 8);
        var error = Assert.Throws<IOException>(() => ShmQueue<long>.CreateNew(segment.Name, 8));
        Assert.Contains("already exists", error.Message);
    }

    [Fact]
    public void Create_or_open_keeps_the_stored_geometry()
    {
        using var segment = new TestSegment();
        using var first = ShmQueue<long>.CreateOrOpen(segment.Name, 16);
        using var second = ShmQueue<long>.CreateOrOpen(segment.Name, 1024);
        Assert.Equal(16, second.Capacity);
    }

    [Fact]
    public void A_new_segment_is_private_to_its_user_and_a_mode_option_widens_it()
    {
        using var privateSegment = new TestSegment();
        using (ShmQueue<long>.CreateNew(privateSegment.Name, 8))
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(privateSegment.Path));

        using var groupSegment = new TestSegment();
        var shared = SegmentOptions.Default with { Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite };
        using (ShmQueue<long>.CreateNew(groupSegment.Name, 8, shared))
            Assert.Equal(shared.Mode, File.GetUnixFileMode(groupSegment.Path));
    }

    [Fact]
    public void A_symlink_is_not_followed()
    {
        using var target = new TestSegment("target");
        using var link = new TestSegment("link");
        using (ShmQueue<long>.CreateNew(target.Name, 8)) { }
        File.CreateSymbolicLink(link.Path, target.Path);
        var error = Assert.Throws<IOException>(() => ShmQueue<long>.OpenExisting(link.Name));
        Assert.Contains(link.Path, error.Message);
    }

    [Fact]
    public void A_queue_of_another_element_type_is_refused_with_both_types_named()
    {
        using var segment = new TestSegment();
        using (ShmQueue<long>.CreateNew(segment.Name, 8)) { }
        var error = Assert.Throws<InvalidDataException>(() => ShmQueue<int>.OpenExisting(segment.Name));
        Assert.Contains("System.Int64", error.Message);
        Assert.Contains("System.Int32", error.Message);
        Assert.Contains("8 bytes", error.Message);
        var sameSize = Assert.Throws<InvalidDataException>(() => ShmQueue<double>.OpenExisting(segment.Name));
        Assert.Contains("System.Double", sameSize.Message);
    }

    [Fact]
    public void A_segment_of_another_kind_is_refused()
    {
        using var segment = new TestSegment();
        using (ShmQueue<long>.CreateNew(segment.Name, 8)) { }
        PatchUInt32(segment.Path, SegmentHeaderLayout.KindOffset, (uint)SegmentKind.PubSub);
        var error = Assert.Throws<InvalidDataException>(() => ShmQueue<long>.OpenExisting(segment.Name));
        Assert.Contains("PubSub segment, not a Queue segment", error.Message);
    }

    [Fact]
    public void Another_layout_version_is_refused()
    {
        using var segment = new TestSegment();
        using (ShmQueue<long>.CreateNew(segment.Name, 8)) { }
        PatchUInt32(segment.Path, SegmentHeaderLayout.VersionOffset, 99);
        var error = Assert.Throws<InvalidDataException>(() => ShmQueue<long>.OpenExisting(segment.Name));
        Assert.Contains("version 99", error.Message);
    }

    [Fact]
    public void A_truncated_file_is_refused()
    {
        using var segment = new TestSegment();
        using (ShmQueue<long>.CreateNew(segment.Name, 8)) { }
        using (var stream = new FileStream(segment.Path, FileMode.Open))
            stream.SetLength(64);
        var error = Assert.Throws<InvalidDataException>(() => ShmQueue<long>.OpenExisting(segment.Name));
        Assert.Contains("64 bytes long", error.Message);
    }

    [Fact]
    public void A_file_shorter_than_its_geometry_is_refused()
    {
        using var segment = new TestSegment();
        long size;
        using (var queue = ShmQueue<long>.CreateNew(segment.Name, 8))
            size = queue.MappedBytes;
        using (var stream = new FileStream(segment.Path, FileMode.Open))
            stream.SetLength(size - 16);
        var error = Assert.Throws<ShmCorruptedException>(() => ShmQueue<long>.OpenExisting(segment.Name));
        Assert.Contains($"the file is {size - 16} bytes", error.Message);
    }

    [Fact]
    public void A_header_whose_capacity_does_not_fit_the_file_is_refused()
    {
        using var segment = new TestSegment();
        using (ShmQueue<long>.CreateNew(segment.Name, 8)) { }
        PatchInt64(segment.Path, SegmentHeaderLayout.CapacityOffset, 1L << 40);
        Assert.Throws<ShmCorruptedException>(() => ShmQueue<long>.OpenExisting(segment.Name));
        PatchInt64(segment.Path, SegmentHeaderLayout.CapacityOffset, 12);
        var error = Assert.Throws<ShmCorruptedException>(() => ShmQueue<long>.OpenExisting(segment.Name));
        Assert.Contains("power-of-two", error.Message);
        PatchInt64(segment.Path, SegmentHeaderLayout.CapacityOffset, 16);
        Assert.Throws<ShmCorruptedException>(() => ShmQueue<long>.OpenExisting(segment.Name));
    }

    [Fact]
    public void A_file_that_is_no_segment_is_refused()
    {
        using var segment = new TestSegment();
        File.WriteAllBytes(segment.Path, Enumerable.Range(0, 4096).Select(i => (byte)(i * 31 + 7)).ToArray());
        var error = Assert.Throws<InvalidDataException>(() => ShmQueue<long>.OpenExisting(segment.Name));
        Assert.Contains("is not a Shm segment", error.Message);
    }

    [Fact]
    public void A_partly_written_segment_is_refused_with_advice_to_remove_it()
    {
        using var segment = new TestSegment();
        long size;
        using (var queue = ShmQueue<long>.CreateNew(segment.Name, 8))
            size = queue.MappedBytes;
        PatchInt64(segment.Path, SegmentHeaderLayout.MagicOffset, 0);
        var error = Assert.Throws<InvalidDataException>(() => ShmQueue<long>.CreateOrOpen(segment.Name, 8));
        Assert.Contains("remove it", error.Message);
        Assert.Equal(size, new FileInfo(segment.Path).Length);
    }

    [Fact]
    public void An_interrupted_create_of_the_right_size_is_finished_by_create_or_open()
    {
        using var segment = new TestSegment();
        long size;
        using (var probe = ShmQueue<long>.CreateNew(segment.Name, 8))
            size = probe.MappedBytes;
        File.Delete(segment.Path);
        using (var stream = new FileStream(segment.Path, FileMode.CreateNew))
            stream.SetLength(size);
        File.SetUnixFileMode(segment.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Throws<InvalidDataException>(() => ShmQueue<long>.OpenExisting(segment.Name));
        using var queue = ShmQueue<long>.CreateOrOpen(segment.Name, 8);
        Assert.True(queue.TryEnqueue(4));
        Assert.Equal(4, queue.Dequeue(TimeSpan.Zero));
    }

    [Fact]
    public void An_empty_file_is_initialised_by_create_or_open_and_refused_by_open_existing()
    {
        using var segment = new TestSegment();
        File.WriteAllBytes(segment.Path, []);
        File.SetUnixFileMode(segment.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var error = Assert.Throws<InvalidDataException>(() => ShmQueue<long>.OpenExisting(segment.Name));
        Assert.Contains("never initialised", error.Message);
        using var queue = ShmQueue<long>.CreateOrOpen(segment.Name, 8);
        Assert.Equal(8, queue.Capacity);
    }

    [Fact]
    public void A_descriptor_to_dev_null_is_refused()
    {
        using var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.ReadWrite);
        var error = Assert.Throws<InvalidDataException>(() => ShmQueue<long>.OpenDescriptor((int)devNull.DangerousGetHandle()));
        Assert.Contains("character device", error.Message);
    }

    [Fact]
    public void A_directory_is_refused()
    {
        var error = Assert.ThrowsAny<Exception>(() => ShmQueue<long>.OpenExisting("/dev/shm"));
        Assert.True(error is IOException or InvalidDataException, error.GetType().Name);
    }

    [Fact]
    public void A_segment_owned_by_another_user_is_refused_unless_allowed()
    {
        if (Interop.Libc.GetEuid() != 0)
            return; // only root can give a file away
        using var segment = new TestSegment();
        using (ShmQueue<long>.CreateNew(segment.Name, 8)) { }
        File.SetUnixFileMode(segment.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal(0, Chown(segment.Path, 54321));
        var error = Assert.Throws<UnauthorizedAccessException>(() => ShmQueue<long>.OpenExisting(segment.Name));
        Assert.Contains("owned by user 54321", error.Message);
        using var allowed = ShmQueue<long>.OpenExisting(segment.Name, SegmentOptions.Default with { AllowForeignOwner = true });
        Assert.Equal(8, allowed.Capacity);
    }

    [Fact]
    public void The_layout_offsets_are_pinned()
    {
        Assert.Equal(128, SegmentHeaderLayout.Size);
        Assert.Equal(8, SegmentHeaderLayout.VersionOffset);
        Assert.Equal(12, SegmentHeaderLayout.KindOffset);
        Assert.Equal(16, SegmentHeaderLayout.ElementSizeOffset);
        Assert.Equal(20, SegmentHeaderLayout.ElementTypeTagOffset);
        Assert.Equal(24, SegmentHeaderLayout.CapacityOffset);
        Assert.Equal(32, SegmentHeaderLayout.TotalSizeOffset);
        Assert.Equal(40, SegmentHeaderLayout.Parameter1Offset);
        Assert.Equal(48, SegmentHeaderLayout.Parameter2Offset);
        Assert.Equal(56, SegmentHeaderLayout.CreatorProcessIdOffset);
        Assert.Equal(64, SegmentHeaderLayout.CreatorStartTimeOffset);
        Assert.Equal(72, SegmentHeaderLayout.CreatedUnixMsOffset);
        Assert.Equal(80, SegmentHeaderLayout.ElementTypeNameOffset);
        Assert.Equal(128, ShmQueueLayout.TailPositionOffset);
        Assert.Equal(256, ShmQueueLayout.HeadPositionOffset);
        Assert.Equal(384, ShmQueueLayout.ConsumerWakeSequenceOffset);
        Assert.Equal(388, ShmQueueLayout.ConsumerWaitersOffset);
        Assert.Equal(512, ShmQueueLayout.ProducerWakeSequenceOffset);
        Assert.Equal(516, ShmQueueLayout.ProducerWaitersOffset);
        Assert.Equal(640, ShmQueueLayout.RetiredCountersOffset);
        Assert.Equal(768, ShmQueueLayout.ParticipantsOffset);
        Assert.Equal(16, ShmQueueLayout.SlotSize(8));
        Assert.Equal(32, ShmQueueLayout.SlotSize(24));
        Assert.Equal(128, Shm.Primitives.ByteQueue.ShmByteQueueLayout.MutexOffset);
        Assert.Equal(168, Shm.Primitives.ByteQueue.ShmByteQueueLayout.JournalStateOffset);
        Assert.Equal(192, Shm.Primitives.ByteQueue.ShmByteQueueLayout.HeadPositionOffset);
        Assert.Equal(224, Shm.Primitives.ByteQueue.ShmByteQueueLayout.JournalOffset);
        Assert.Equal(256, Shm.Primitives.ByteQueue.ShmByteQueueLayout.JournalOffset + 4 * sizeof(long)); // state and journal share the mutex's pair
        Assert.Equal(256, Shm.Primitives.PubSub.ShmPubSubLayout.WaitersOffset - sizeof(uint));
        Assert.Equal(256, Shm.Primitives.PubSub.ShmBytePubSubLayout.WritePositionOffset);
        Assert.Equal(0, Participants.ParticipantRecordLayout.OwnerOffset);
        Assert.Equal(8, Participants.ParticipantRecordLayout.ClaimOffset);
        Assert.Equal(16, Participants.ParticipantRecordLayout.ClaimCountOffset);
        Assert.Equal(24, Participants.ParticipantRecordLayout.ConsumerWaitsOffset);
        Assert.Equal(28, Participants.ParticipantRecordLayout.ProducerWaitsOffset);
        Assert.Equal(32, Participants.ParticipantRecordLayout.CountersOffset);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "chown")]
    private static extern int Chown(string path, uint owner, uint group = uint.MaxValue);

    private static void PatchUInt32(string path, int offset, uint value)
    {
        using var stream = new FileStream(path, FileMode.Open);
        stream.Position = offset;
        stream.Write(BitConverter.GetBytes(value));
    }

    private static void PatchInt64(string path, int offset, long value)
    {
        using var stream = new FileStream(path, FileMode.Open);
        stream.Position = offset;
        stream.Write(BitConverter.GetBytes(value));
    }
}
