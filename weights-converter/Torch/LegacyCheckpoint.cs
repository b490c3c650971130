using DeepVis.Nets.Weights;
using System.Numerics;
using DeepVis.WeightsConverter.Pickle;

namespace DeepVis.WeightsConverter.Torch;

/// <summary>
/// The legacy serialization (torch.save before PyTorch 1.6, or with
/// _use_new_zipfile_serialization=False; torchvision's VGG and AlexNet files): five pickles in a
/// row (magic number, protocol version, sys_info, the state dict, the list of storage keys), then
/// for each key in that list an 8-byte little-endian element count and the storage's raw data.
/// </summary>
internal static class LegacyCheckpoint
{
    /// <summary>0x1950a86a20f9469cfc6c, the first pickle of every legacy file.</summary>
    public static readonly BigInteger Magic = BigInteger.Parse("119547037146038801333356");

    public const long ProtocolVersion = 1001;

    /// <summary>PROTO 2, LONG1 10: how the magic-number pickle starts.</summary>
    public static bool LooksLike(ReadOnlySpan<byte> head) =>
        head.Length >= 4 && head[0] == 0x80 && head[1] == 2 && head[2] == 0x8a && head[3] == 10;

    public static IReadOnlyList<WeightTensor> Read(string path, Stream file)
    {
        var stream = new BufferedStream(file, 1 << 16);
        if (Plain(stream).Load() is not BigInteger magic || magic != Magic)
            throw NotTorch(path);
        if (Plain(stream).Load() is not long protocol || protocol != ProtocolVersion)
            throw WeightsFormatException.For(path, "unsupported legacy torch.save protocol version (expected 1001)");
        if (Plain(stream).Load() is PickleDict sysInfo && sysInfo.TryGet("little_endian", out var little) && little is false)
            throw WeightsFormatException.For(path, "big-endian checkpoint (expected a little-endian torch.save file)");

        var storages = new Dictionary<string, StorageRef>();
        var root = new Unpickler(stream, TorchGlobals.Find, pid =>
        {
            var storage = StorageRef.FromPersistentId(pid);
            storages.TryAdd(storage.Key, storage);
            return storage;
        }).Load();
        if (Plain(stream).Load() is not List<object?> keys)
            throw WeightsFormatException.For(path, "the storage key list is missing (expected a legacy torch.save file)");

        var data = new Dictionary<string, float[]?>();
        foreach (var item in keys)
        {
            var key = item?.ToString() ?? "";
            if (!storages.TryGetValue(key, out var storage))
                throw WeightsFormatException.For(path, $"storage {key} is listed but no tensor uses it");
            var header = new byte[8];
            stream.ReadExactly(header);
            var count = BitConverter.ToInt64(header);
            if (count < storage.Size)
                throw WeightsFormatException.For(path, $"storage {key} holds {count} elements, expected {storage.Size}");
            data[key] = storage.Type.Read(stream, count);
        }
        return StateDict.Collect(path, root, storage =>
            data.TryGetValue(storage.Key, out var values) ? values
                : throw WeightsFormatException.For(path, $"no data for storage {storage.Key}"));
    }

    internal static WeightsFormatException NotTorch(string path) =>
        WeightsFormatException.For(path, "not a PyTorch checkpoint (expected a zip archive or a legacy torch.save pickle)");

    /// <summary>The header pickles and the key list: plain values only, no globals.</summary>
    private static Unpickler Plain(Stream stream) =>
        new(stream, (module, name) => throw new PickleException($"unsupported global {module}.{name} in a torch.save header"));
}
