using System.Text;
using Google.Protobuf;
using Onnx;

namespace DeepVis.Tests.Fuzz;

/// <summary>
/// Seeded mutations of a valid file: bit flips, bytes set to boundary values (huge and negative sizes),
/// truncation, splices from the same or another seed, inserted and deleted blocks, hostile pickle
/// snippets, and for ONNX models external data pointed at links, a FIFO and paths outside the folder.
/// One <see cref="Random"/> decides everything, so a seed and a case number replay a case exactly.
/// </summary>
internal sealed class Mutator(Random random)
{
    /// <summary>Names the fuzz folder holds beside each input (<see cref="FuzzTests"/> makes them): links out of it and a FIFO.</summary>
    public static readonly string[] Traps = ["etc/passwd", "link-to-passwd", "fifo.bin", "../outside.bin", "/etc/passwd"];

    private static readonly byte[][] Pickles =
    [
        "cos\nsystem\n(S'touch pwned'\ntR."u8.ToArray(),
        "cbuiltins\neval\n(S'1'\ntR."u8.ToArray(),
        "csubprocess\nPopen\n"u8.ToArray(),
        "ccopyreg\n_reconstructor\n"u8.ToArray(),
        Encoding.ASCII.GetBytes(new string('(', 20_000)),
        Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("]", 20_000))),
        [0x58, 0xff, 0xff, 0xff, 0x7f], // BINUNICODE of 2 GB
        [0x8a, 0xff], // LONG1 of 255 bytes
        [0x8b, 0xff, 0xff, 0xff, 0x7f], // LONG4 of 2 GB
        [0x42, 0xff, 0xff, 0xff, 0xff], // BINBYTES of 4 GB
        [0x68, 0xff], // BINGET of a memo entry never put
        [0x8e, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], // BINBYTES8
        "\u0080\u0002ctorch._utils\n_rebuild_tensor_v2\n"u8.ToArray(),
        "ctorch\nFloatStorage\n"u8.ToArray(),
        [0x2e], // STOP
    ];

    private static readonly ulong[] Boundaries = [0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff, long.MaxValue, ulong.MaxValue];

    /// <summary>One to three mutations of <paramref name="seed"/>; <paramref name="what"/> says which, for the failure report.</summary>
    public byte[] Mutate(byte[] seed, IReadOnlyList<byte[]> others, bool pickle, bool onnx, out string what)
    {
        var bytes = seed;
        var done = new List<string>();
        var count = random.Next(1, 4);
        for (var i = 0; i < count; i++)
        {
            var kind = random.Next(onnx ? 9 : pickle ? 8 : 7);
            (bytes, var step) = kind switch
            {
                0 => Flip(bytes),
                1 or 2 => Boundary(bytes),
                3 => Truncate(bytes),
                4 => Splice(bytes, others[random.Next(others.Count)]),
                5 => Insert(bytes, RandomBlock()),
                6 => Delete(bytes),
                7 when pickle => Insert(bytes, Pickles[random.Next(Pickles.Length)]),
                _ => External(bytes),
            };
            done.Add(step);
        }
        what = string.Join("; ", done);
        return bytes;
    }

    private (byte[], string) Flip(byte[] bytes)
    {
        var copy = (byte[])bytes.Clone();
        var flips = random.Next(1, 9);
        for (var i = 0; i < flips && copy.Length > 0; i++) copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        return (copy, $"{flips} bit flips");
    }

    private (byte[], string) Boundary(byte[] bytes)
    {
        if (bytes.Length < 8) return (bytes, "no room for a boundary value");
        var copy = (byte[])bytes.Clone();
        var width = 1 << random.Next(4);
        var at = random.Next(copy.Length - width + 1);
        var value = Boundaries[random.Next(Boundaries.Length)];
        for (var b = 0; b < width; b++) copy[at + b] = (byte)(value >> (8 * b));
        return (copy, $"{width}-byte {value:x} at {at}");
    }

    private (byte[], string) Truncate(byte[] bytes)
    {
        var length = random.Next(bytes.Length + 1);
        return (bytes[..length], $"truncated to {length}");
    }

    private (byte[], string) Splice(byte[] bytes, byte[] other)
    {
        if (bytes.Length == 0 || other.Length == 0) return (bytes, "nothing to splice");
        var length = random.Next(1, Math.Min(4096, other.Length) + 1);
        var from = random.Next(other.Length - length + 1);
        var to = random.Next(bytes.Length);
        var copy = (byte[])bytes.Clone();
        Array.Copy(other, from, copy, to, Math.Min(length, copy.Length - to));
        return (copy, $"splice of {length} bytes from {from} to {to}");
    }

    private (byte[], string) Insert(byte[] bytes, byte[] block)
    {
        var at = random.Next(bytes.Length + 1);
        return ([.. bytes[..at], .. block, .. bytes[at..]], $"{block.Length} bytes inserted at {at} ({Encoding.ASCII.GetString(block[..Math.Min(12, block.Length)]).ReplaceLineEndings(" ")})");
    }

    private (byte[], string) Delete(byte[] bytes)
    {
        if (bytes.Length == 0) return (bytes, "nothing to delete");
        var at = random.Next(bytes.Length);
        var length = random.Next(1, Math.Min(4096, bytes.Length - at) + 1);
        return ([.. bytes[..at], .. bytes[(at + length)..]], $"{length} bytes deleted at {at}");
    }

    private byte[] RandomBlock()
    {
        var block = new byte[random.Next(1, 64)];
        random.NextBytes(block);
        return block;
    }

    /// <summary>An initializer of a model that still parses moved to external data at one of the <see cref="Traps"/>.</summary>
    private (byte[], string) External(byte[] bytes)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            return (bytes, "not a model any more: no external data");
        }
        if (model.Graph is not { Initializer.Count: > 0 } graph) return (bytes, "no initializer for external data");
        var tensor = graph.Initializer[random.Next(graph.Initializer.Count)];
        var location = Traps[random.Next(Traps.Length)];
        tensor.RawData = ByteString.Empty;
        tensor.FloatData.Clear();
        tensor.DataLocation = TensorProto.Types.DataLocation.External;
        tensor.ExternalData.Clear();
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        return (model.ToByteArray(), $"initializer '{tensor.Name}' external at {location}");
    }
}
