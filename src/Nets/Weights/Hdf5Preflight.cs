using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace DeepVis.Nets.Weights;

/// <summary>
/// Checks an HDF5 file's metadata blocks before PureHDF reads it. PureHDF turns some size fields
/// into one array before it reads the bytes they describe (a global heap object, a link name, a local
/// heap's data), so a corrupt or hostile size costs up to 2 GB of memory even in a file of a few KB.
/// Every block found by its signature is checked here against the file's length: global heap
/// collections (which hold variable-length strings: DeepVis's attributes and class names), version-2
/// object headers (their lookup3 checksum, and each message and link name inside them) and local
/// heaps. A version-2 object header whose checksum fails is refused: a writer always stores the right
/// one, and PureHDF does not check it.
/// </summary>
internal static class Hdf5Preflight
{
    private const int Block = 1 << 20;

    private static readonly (byte[] Signature, Action<FileBytes, long, int> Check)[] Checks =
    [
        ("GCOL"u8.ToArray(), GlobalHeap),
        ("OHDR"u8.ToArray(), (file, at, _) => ObjectHeader(file, at)),
        ("HEAP"u8.ToArray(), LocalHeap),
    ];

    private static ReadOnlySpan<byte> Superblock => [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0d, 0x0a, 0x1a, 0x0a];

    /// <summary>Refuses, with one line, a file in which a block claims more bytes than it has; leaves the stream at 0.</summary>
    public static void Check(Stream stream)
    {
        var file = new FileBytes(stream);
        var lengthSize = LengthSize(file);
        // Blocks overlap by 8 bytes so that a signature across a boundary is seen; each is checked once, from the block it starts in.
        var buffer = new byte[Block + 8];
        for (long start = 0; start < file.Length; start += Block)
        {
            // A hole of a sparse file reads as zeros, which hold no signature: a file that claims terabytes of
            // storage it never wrote is skipped through, not read.
            var data = file.NextData(start);
            if (data >= file.Length) break;
            if (data - start >= Block) start = data / Block * Block;
            var span = buffer.AsSpan(0, file.Read(start, buffer));
            foreach (var (signature, check) in Checks)
                for (int from = 0, i; (i = span[from..].IndexOf(signature)) >= 0 && from + i < Block; from += i + 1)
                    check(file, start + from + i, lengthSize);
        }
        stream.Position = 0;
    }

    /// <summary>The superblock (at 0, 512, 1024, ...) gives the size of lengths: byte 14 in versions 0-1, 10 in 2-3.</summary>
    private static int LengthSize(FileBytes file)
    {
        Span<byte> head = stackalloc byte[16];
        for (long at = 0; at + head.Length <= file.Length; at = at == 0 ? 512 : at * 2)
        {
            if (file.Read(at, head) < head.Length || !head[..8].SequenceEqual(Superblock)) continue;
            var size = head[8] <= 1 ? head[14] : head[10];
            return size is 2 or 4 or 8 ? size : throw Refuse(at, $"a superblock with a size of lengths of {size}");
        }
        return 8;
    }

    /// <summary>"GCOL", version 1, 3 zero bytes, the collection's size, then objects: index (2), count (2), 4 reserved, size, data padded to 8.</summary>
    private static void GlobalHeap(FileBytes file, long at, int lengthSize)
    {
        Span<byte> head = stackalloc byte[16];
        if (file.Read(at, head) < 8 + lengthSize || head[4] != 1 || head[5] != 0 || head[6] != 0 || head[7] != 0) return;
        var end = at + Length(head[8..], lengthSize, file, at, "global heap collection");
        var header = 8 + lengthSize;
        for (var item = at + header; item + header <= end;)
        {
            if (file.Read(item, head) < header) throw Refuse(item, "a global heap object past the end of the file");
            if (BinaryPrimitives.ReadUInt16LittleEndian(head) == 0) break; // free space closes the collection
            var size = Length(head[8..], lengthSize, file, item, "global heap object");
            var next = item + header + (size + 7) / 8 * 8;
            if (next > end) throw Refuse(item, $"a global heap object of {size:N0} bytes that does not fit in its collection");
            item = next;
        }
    }

    /// <summary>
    /// "OHDR", version 2, flags, optional times and attribute limits, the first chunk's size (1 to 8 bytes),
    /// messages (type, size, flags, optional creation order, data), and a lookup3 checksum.
    /// </summary>
    private static void ObjectHeader(FileBytes file, long at)
    {
        Span<byte> head = stackalloc byte[32];
        var read = file.Read(at, head);
        if (read < 7 || head[4] != 2 || (head[5] & 0xC0) != 0) return;
        var flags = head[5];
        var sizeAt = 6 + ((flags & 0x20) != 0 ? 16 : 0) + ((flags & 0x10) != 0 ? 4 : 0);
        var sizeBytes = 1 << (flags & 3);
        if (read < sizeAt + sizeBytes) throw Refuse(at, "an object header past the end of the file");
        var messages = sizeAt + sizeBytes;
        var size = Length(head[sizeAt..], sizeBytes, file, at, "object header");
        if (size > Array.MaxLength - messages - 4 || at + messages + size + 4 > file.Length) throw Refuse(at, $"an object header of {size:N0} bytes past the end of the file");
        var block = new byte[messages + size + 4];
        file.Read(at, block);
        if (Lookup3.Hash(block.AsSpan(0, messages + (int)size)) != BinaryPrimitives.ReadUInt32LittleEndian(block.AsSpan(messages + (int)size)))
            throw Refuse(at, "an object header whose checksum does not match its bytes");
        var messageHeader = 4 + ((flags & 0x04) != 0 ? 2 : 0);
        var end = messages + (int)size;
        for (var m = messages; m + messageHeader <= end;)
        {
            var type = block[m];
            var length = BinaryPrimitives.ReadUInt16LittleEndian(block.AsSpan(m + 1));
            var data = m + messageHeader;
            if (data + length > end) throw Refuse(at + m, $"a header message of {length:N0} bytes that does not fit in its object header");
            if (type == 6) LinkName(block.AsSpan(data, length), at + m);
            m = data + length;
        }
    }

    /// <summary>A link message: version, flags, optional type, creation order and encoding, the name's length (1 to 8 bytes), the name.</summary>
    private static void LinkName(ReadOnlySpan<byte> message, long at)
    {
        if (message.Length < 2) throw Refuse(at, "a link message too short for its header");
        var flags = message[1];
        var field = 2 + ((flags & 0x08) != 0 ? 1 : 0) + ((flags & 0x04) != 0 ? 8 : 0) + ((flags & 0x10) != 0 ? 1 : 0);
        var bytes = 1 << (flags & 3);
        if (field + bytes > message.Length) throw Refuse(at, "a link message too short for its name's length");
        ulong name = 0;
        for (var k = bytes - 1; k >= 0; k--) name = name << 8 | message[field + k];
        if (name > (ulong)(message.Length - field - bytes)) throw Refuse(at, $"a link name of {name:N0} bytes in a {message.Length:N0}-byte message");
    }

    /// <summary>"HEAP", version 0, 3 zero bytes, the data segment's size, the free list's offset, the data segment's address.</summary>
    private static void LocalHeap(FileBytes file, long at, int lengthSize)
    {
        Span<byte> head = stackalloc byte[8];
        if (file.Read(at, head) < 8 || head[4] != 0 || head[5] != 0 || head[6] != 0 || head[7] != 0) return;
        Span<byte> size = stackalloc byte[8];
        if (file.Read(at + 8, size[..lengthSize]) < lengthSize) throw Refuse(at, "a local heap past the end of the file");
        Length(size, lengthSize, file, at, "local heap");
    }

    /// <summary>A little-endian size field, refused when it is more than the whole file.</summary>
    private static long Length(ReadOnlySpan<byte> field, int bytes, FileBytes file, long at, string what)
    {
        ulong value = 0;
        for (var k = bytes - 1; k >= 0; k--) value = value << 8 | field[k];
        return value <= (ulong)file.Length ? (long)value : throw Refuse(at, $"a {what} of {value:N0} bytes in a {file.Length:N0}-byte file");
    }

    private static UnsafeHdf5Exception Refuse(long at, string what) =>
        new($"the file is corrupt: {what} (at byte {at:N0}), which is refused before reading it");

    /// <summary>Reads at an offset of a seekable stream.</summary>
    private sealed class FileBytes(Stream stream)
    {
        private const int SeekData = 3;

        public long Length { get; } = stream.Length;

        /// <summary>The first offset from <paramref name="at"/> that holds data (Linux's SEEK_DATA on a file); <see cref="Length"/> past the last.</summary>
        public long NextData(long at)
        {
            if (!OperatingSystem.IsLinux() || stream is not FileStream { SafeFileHandle: var handle }) return at;
            var next = Lseek((int)handle.DangerousGetHandle(), at, SeekData);
            return next >= 0 ? next : Marshal.GetLastPInvokeError() == Enxio ? Length : at;
        }

        private const int Enxio = 6;

        [DllImport("libc", EntryPoint = "lseek", SetLastError = true)]
        private static extern long Lseek(int fd, long offset, int whence);

        public int Read(long at, Span<byte> into)
        {
            if (at >= Length) return 0;
            stream.Position = at;
            return stream.ReadAtLeast(into, (int)Math.Min(into.Length, Length - at), throwOnEndOfStream: false);
        }
    }
}
