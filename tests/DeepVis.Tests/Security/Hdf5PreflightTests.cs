using System.Buffers.Binary;
using DeepVis.Nets.Weights;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Security;

/// <summary>
/// A few bytes of an HDF5 file that claim a huge size: each is refused in one line before PureHDF
/// turns the claim into an allocation (<see cref="Hdf5Preflight"/>). Without the check each of these
/// files made PureHDF allocate the claimed size (up to 2 GB) before failing.
/// </summary>
public sealed class Hdf5PreflightTests : IDisposable
{
    private const long AllocationBound = 64 << 20;
    private readonly TestWeights.TempFolder _folder = new();

    [Fact]
    public void A_global_heap_object_larger_than_its_collection_is_refused_before_allocation()
    {
        var bytes = Written();
        var collection = Find(bytes, "GCOL"u8);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(collection + 16 + 8), 1 << 30); // the first object's size
        AssertRefused(bytes, "global heap object of 1,073,741,824 bytes");
    }

    [Fact]
    public void A_global_heap_collection_cut_short_by_truncation_is_refused()
    {
        var bytes = Written();
        AssertRefused(bytes[..(Find(bytes, "GCOL"u8) + 100)], "global heap collection of 4,096 bytes");
    }

    [Fact]
    public void A_link_name_longer_than_its_message_is_refused_even_with_a_correct_checksum()
    {
        var bytes = Written();
        var (header, message) = FirstLinkMessage(bytes);
        var flags = bytes[message + 1];
        var field = message + 2 + ((flags & 0x08) != 0 ? 1 : 0) + ((flags & 0x04) != 0 ? 8 : 0) + ((flags & 0x10) != 0 ? 1 : 0);
        bytes[message + 1] = (byte)((flags & ~3) | 2); // a 4-byte length field ...
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(field), 1 << 30); // ... claiming 1 GB
        Reseal(bytes, header);
        AssertRefused(bytes, "link name of 1,073,741,824 bytes");
    }

    [Fact]
    public void An_object_header_whose_checksum_fails_is_refused()
    {
        var bytes = Written();
        var (_, message) = FirstLinkMessage(bytes);
        bytes[message + 8] ^= 0x20; // a letter of the link's name
        AssertRefused(bytes, "checksum does not match");
    }

    [Fact]
    public void A_local_heap_larger_than_the_file_is_refused_through_the_keras_reader()
    {
        var bytes = File.ReadAllBytes(Fixtures.Path("vgg16-narrow-keras.h5"));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(Find(bytes, "HEAP"u8) + 8), 1UL << 40);
        var path = _folder.File("keras.h5");
        File.WriteAllBytes(path, bytes);
        CliRun.Of("convert", path, "--out", _folder.File("out.h5")).AssertOneLineError("local heap of 1,099,511,627,776 bytes");
    }

    [Fact]
    public void Files_written_by_PureHDF_and_by_h5py_pass_unchanged()
    {
        Assert.Equal(TestWeights.MiniVgg().Tensors.Count, WeightsFile.Read(Save("ok.h5", Written())).Tensors.Count);
        var run = CliRun.Of("convert", Fixtures.Path("vgg16-narrow-keras.h5"), "--out", _folder.File("ok-keras.h5"));
        Assert.True(run.ExitCode == 0, run.Error);
    }

    private byte[] Written()
    {
        var path = _folder.File("seed.h5");
        TestWeights.MiniVgg().Write(path);
        return File.ReadAllBytes(path);
    }

    private void AssertRefused(byte[] bytes, string expected)
    {
        var path = Save("corrupt.h5", bytes);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var error = Assert.Throws<WeightsException>(() => WeightsFile.Read(path));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.True(allocated < AllocationBound, $"{allocated:N0} bytes allocated");
        CliRun.Of("layers", "--weights", path).AssertOneLineError(expected);
    }

    private string Save(string name, byte[] bytes)
    {
        var path = _folder.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static int Find(byte[] bytes, ReadOnlySpan<byte> signature)
    {
        var at = bytes.AsSpan().IndexOf(signature);
        Assert.True(at >= 0, "the signature is in the file");
        return at;
    }

    /// <summary>The first version-2 object header holding a link message (type 6), and that message's data.</summary>
    private static (int Header, int Message) FirstLinkMessage(byte[] bytes)
    {
        for (var header = Find(bytes, "OHDR"u8); header >= 0; header = bytes.AsSpan(header + 1).IndexOf("OHDR"u8) is var next and >= 0 ? header + 1 + next : -1)
        {
            var (messages, end, messageHeader) = Layout(bytes, header);
            for (var m = messages; m + messageHeader <= end; m += messageHeader + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(m + 1)))
                if (bytes[m] == 6) return (header, m + messageHeader);
        }
        throw new InvalidOperationException("no link message in the file");
    }

    /// <summary>Stores the lookup3 checksum a writer would for the object header at <paramref name="header"/>.</summary>
    private static void Reseal(byte[] bytes, int header)
    {
        var (_, end, _) = Layout(bytes, header);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(end), Lookup3.Hash(bytes.AsSpan(header, end - header)));
    }

    private static (int Messages, int End, int MessageHeader) Layout(byte[] bytes, int header)
    {
        var flags = bytes[header + 5];
        var sizeAt = header + 6 + ((flags & 0x20) != 0 ? 16 : 0) + ((flags & 0x10) != 0 ? 4 : 0);
        var sizeBytes = 1 << (flags & 3);
        long size = 0;
        for (var k = sizeBytes - 1; k >= 0; k--) size = size << 8 | bytes[sizeAt + k];
        return (sizeAt + sizeBytes, sizeAt + sizeBytes + (int)size, 4 + ((flags & 0x04) != 0 ? 2 : 0));
    }

    public void Dispose() => _folder.Dispose();
}
