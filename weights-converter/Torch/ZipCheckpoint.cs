using DeepVis.Nets.Weights;
using System.IO.Compression;
using DeepVis.WeightsConverter.Pickle;

namespace DeepVis.WeightsConverter.Torch;

/// <summary>
/// The zip serialization (PyTorch >= 1.6): &lt;archive&gt;/data.pkl is the pickle, each storage
/// is the raw little-endian entry &lt;archive&gt;/data/&lt;key&gt;. The archive folder's name varies
/// (it is the file's stem when saved), so it is found from data.pkl.
/// </summary>
internal static class ZipCheckpoint
{
    /// <summary>Deflate expands at most 1032 times.</summary>
    private const long MaxExpansion = 1032;

    public static IReadOnlyList<WeightTensor> Read(string path, Stream file)
    {
        using var zip = Open(path, file);
        var pickle = zip.Entries.FirstOrDefault(e => e.FullName == "data.pkl" || IsTopLevel(e.FullName, "data.pkl"))
            ?? throw WeightsFormatException.For(path, "zip archive without data.pkl (expected a PyTorch zip checkpoint)");
        var prefix = pickle.FullName[..^"data.pkl".Length];
        var order = zip.GetEntry(prefix + "byteorder");
        if (order is not null)
        {
            using var reader = new StreamReader(order.Open());
            var text = reader.ReadToEnd().Trim();
            if (text != "little") throw WeightsFormatException.For(path, $"byte order '{text}' is not supported (expected little-endian storages)");
        }

        object? root;
        using (var stream = new BufferedStream(pickle.Open()))
            root = new Unpickler(stream, TorchGlobals.Find, StorageRef.FromPersistentId).Load();

        var cache = new Dictionary<string, float[]?>();
        return StateDict.Collect(path, root, storage =>
        {
            if (cache.TryGetValue(storage.Key, out var data)) return data;
            var entry = zip.GetEntry($"{prefix}data/{storage.Key}")
                ?? throw WeightsFormatException.For(path, $"storage data/{storage.Key} missing from the zip archive");
            // The sizes in a zip's directory are claims: an entry holds at most its compressed bytes (stored),
            // or 1032 times them (deflate's largest ratio), and those lie inside the file.
            if (entry.CompressedLength > file.Length || entry.Length > entry.CompressedLength * MaxExpansion + 1024)
                throw WeightsFormatException.For(path, $"storage data/{storage.Key} claims {entry.Length:N0} bytes from {entry.CompressedLength:N0} compressed, more than the file holds");
            var count = entry.Length / storage.Type.ElementSize;
            if (count < storage.Size)
                throw WeightsFormatException.For(path, $"storage data/{storage.Key} holds {count} elements, expected {storage.Size} (truncated?)");
            using var stream = entry.Open();
            return cache[storage.Key] = storage.Type.Read(stream, storage.Size);
        });
    }

    private static ZipArchive Open(string path, Stream file)
    {
        try
        {
            return new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw WeightsFormatException.For(path, $"truncated or corrupt zip archive (expected a PyTorch zip checkpoint; {e.Message})", e);
        }
    }

    private static bool IsTopLevel(string name, string leaf)
    {
        var slash = name.IndexOf('/');
        return slash > 0 && name[(slash + 1)..] == leaf;
    }
}
