namespace DeepVis.Tests.Support;

/// <summary>
/// Writes small animated grey GIFs for tests (no GIF encoder is at hand): a 128-level grey palette
/// and uncompressed LZW, every pixel its own 8-bit code, with a clear code often enough that the
/// decoder's code width never grows past 8 bits.
/// </summary>
public static class TestGif
{
    private const int MinCodeSize = 7;
    private const int Clear = 1 << MinCodeSize;
    private const int EndOfImage = Clear + 1;
    private const int CodesPerClear = 120; // the decoder widens codes after 126 table entries

    /// <summary>Each frame is width x height grey bytes (row-major); levels are kept to 7 bits.</summary>
    public static void Write(string path, int width, int height, IEnumerable<byte[]> frames)
    {
        var gif = new List<byte>();
        gif.AddRange("GIF89a"u8.ToArray());
        AddShort(gif, width);
        AddShort(gif, height);
        gif.AddRange([0xF6, 0, 0]); // global table of 2^(6+1) colours, 8-bit colour resolution
        for (var i = 0; i < Clear; i++) gif.AddRange(Enumerable.Repeat((byte)(i * 255 / (Clear - 1)), 3));
        foreach (var frame in frames)
        {
            gif.Add(0x2C);
            AddShort(gif, 0);
            AddShort(gif, 0);
            AddShort(gif, width);
            AddShort(gif, height);
            gif.Add(0);
            gif.Add(MinCodeSize);
            var codes = new List<byte>();
            for (var p = 0; p < frame.Length; p++)
            {
                if (p % CodesPerClear == 0) codes.Add(Clear);
                codes.Add((byte)(frame[p] >> 1));
            }
            codes.Add(EndOfImage);
            foreach (var block in codes.Chunk(255))
            {
                gif.Add((byte)block.Length);
                gif.AddRange(block);
            }
            gif.Add(0);
        }
        gif.Add(0x3B);
        File.WriteAllBytes(path, [.. gif]);
    }

    private static void AddShort(List<byte> bytes, int value) => bytes.AddRange([(byte)value, (byte)(value >> 8)]);
}
