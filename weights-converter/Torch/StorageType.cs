using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace DeepVis.WeightsConverter.Torch;

/// <summary>The element type of a torch storage, named by its pickled global (torch.FloatStorage...).</summary>
internal sealed record StorageType(string Name, int ElementSize, bool IsFloat)
{
    private static readonly Dictionary<string, StorageType> Known = new[]
    {
        new StorageType("FloatStorage", 4, true),
        new StorageType("DoubleStorage", 8, true),
        new StorageType("HalfStorage", 2, true),
        new StorageType("BFloat16Storage", 2, true),
        new StorageType("LongStorage", 8, false),
        new StorageType("IntStorage", 4, false),
        new StorageType("ShortStorage", 2, false),
        new StorageType("CharStorage", 1, false),
        new StorageType("ByteStorage", 1, false),
        new StorageType("BoolStorage", 1, false),
    }.ToDictionary(t => t.Name);

    public static bool TryGet(string name, out StorageType type) => Known.TryGetValue(name, out type!);

    /// <summary>
    /// Reads <paramref name="count"/> little-endian elements from <paramref name="stream"/> as float32
    /// (float64, float16 and bfloat16 are converted). A non-float storage is skipped over: null.
    /// </summary>
    public float[]? Read(Stream stream, long count)
    {
        if (count < 0 || count > Array.MaxLength)
            throw new InvalidDataException($"a storage of {count} elements is not supported");
        if (stream.CanSeek && count * ElementSize > stream.Length - stream.Position)
            throw new EndOfStreamException(); // before allocating for data that is not there
        if (!IsFloat)
        {
            Skip(stream, count * ElementSize);
            return null;
        }
        var values = new float[count];
        if (ElementSize == 4 && BitConverter.IsLittleEndian)
        {
            stream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
            return values;
        }
        var chunk = new byte[ElementSize * 16384];
        for (long done = 0; done < count;)
        {
            var n = (int)Math.Min(16384, count - done);
            var bytes = chunk.AsSpan(0, n * ElementSize);
            stream.ReadExactly(bytes);
            for (var i = 0; i < n; i++) values[done + i] = Convert(bytes.Slice(i * ElementSize, ElementSize));
            done += n;
        }
        return values;
    }

    private float Convert(ReadOnlySpan<byte> b) => Name switch
    {
        "FloatStorage" => BinaryPrimitives.ReadSingleLittleEndian(b),
        "DoubleStorage" => (float)BinaryPrimitives.ReadDoubleLittleEndian(b),
        "HalfStorage" => (float)BinaryPrimitives.ReadHalfLittleEndian(b),
        "BFloat16Storage" => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(b) << 16),
        _ => throw new InvalidOperationException(Name),
    };

    private static void Skip(Stream stream, long bytes)
    {
        if (stream.CanSeek)
        {
            if (stream.Position + bytes > stream.Length) throw new EndOfStreamException();
            stream.Seek(bytes, SeekOrigin.Current);
            return;
        }
        var buffer = new byte[81920];
        while (bytes > 0)
        {
            var n = (int)Math.Min(buffer.Length, bytes);
            stream.ReadExactly(buffer, 0, n);
            bytes -= n;
        }
    }
}
