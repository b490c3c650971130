using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using DeepVis.Images;

namespace DeepVis.Cli.Atlas;

/// <summary>
/// The example images of an atlas, read lazily: a folder tree of image files (recursively, in ordinal
/// order of their paths inside the folder) or an IDX file of MNIST-style images (gzipped or not). An
/// image's index is its place in that order, the same on every machine and in every shard.
/// </summary>
public abstract class ExampleSource
{
    /// <summary>How many images the source holds (unreadable files included: they keep their index).</summary>
    public abstract int Count { get; }

    /// <summary>What the source is, for the pages: "312 image files in photos" or "Fashion-MNIST IDX t10k-images-idx3-ubyte.gz (10000 28x28)".</summary>
    public abstract string Description { get; }

    /// <summary>The name of image <paramref name="index"/>: its path inside the folder, or the IDX file's name and the record number.</summary>
    public abstract string Name(int index);

    /// <summary>
    /// The images at <paramref name="indices"/> (ascending) in <paramref name="channels"/> channels, in
    /// that order, one at a time; an image that cannot be read comes as null.
    /// </summary>
    public abstract IEnumerable<(int Index, PlanarImage? Image)> Read(IEnumerable<int> indices, int channels);

    /// <summary>The first 16 hex digits of a SHA-256 over the names and contents, read as a stream.</summary>
    public abstract string Digest();

    /// <summary>A folder (a tree of image files) or a file (IDX); anything else is a one-line error.</summary>
    public static ExampleSource Open(string path)
    {
        if (Directory.Exists(path)) return new ImageFolder(path);
        if (File.Exists(path)) return new IdxImages(path);
        throw new UserException($"--examples: '{path}' does not exist (give a folder of images or an IDX image file)");
    }

    /// <summary>Image files under a folder, found recursively.</summary>
    private sealed class ImageFolder : ExampleSource
    {
        private readonly string _root;
        private readonly string[] _files;

        public ImageFolder(string root)
        {
            _root = root;
            _files = [.. Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
                .Where(ImageLoader.IsImage)
                .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
                .Order(StringComparer.Ordinal)];
            if (_files.Length == 0) throw new UserException($"--examples: '{root}' holds no images ({string.Join(", ", ImageLoader.Extensions)})");
        }

        public override int Count => _files.Length;

        public override string Description => $"{_files.Length} image file{(_files.Length == 1 ? "" : "s")} in {Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(_root)))}";

        public override string Name(int index) => _files[index];

        public override IEnumerable<(int Index, PlanarImage? Image)> Read(IEnumerable<int> indices, int channels)
        {
            foreach (var index in indices)
            {
                PlanarImage? image;
                try
                {
                    image = ImageLoader.Load(Path.Combine(_root, _files[index]), channels);
                }
                catch (Exception e) when (e is DeepVisException or IOException or UnauthorizedAccessException)
                {
                    image = null;
                }
                yield return (index, image);
            }
        }

        public override string Digest()
        {
            using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 16];
            foreach (var file in _files)
            {
                digest.AppendData(Encoding.UTF8.GetBytes(file + "\n"));
                try
                {
                    using var stream = File.OpenRead(Path.Combine(_root, file));
                    int read;
                    while ((read = stream.Read(buffer)) > 0) digest.AppendData(buffer, 0, read);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // An unreadable file is skipped by the pass; its name still counts.
                }
            }
            return Convert.ToHexStringLower(digest.GetHashAndReset())[..16];
        }
    }

    /// <summary>
    /// An IDX file of unsigned-byte images (magic 0x00000803: images, rows, columns, big-endian), as
    /// MNIST and Fashion-MNIST ship them; read from the start for every sweep, which a gzip stream allows.
    /// </summary>
    private sealed class IdxImages : ExampleSource
    {
        private const int Magic = 0x00000803;
        private readonly string _path;
        private readonly int _count, _rows, _columns;

        public IdxImages(string path)
        {
            _path = path;
            using var stream = OpenData();
            Span<byte> header = stackalloc byte[16];
            if (!TryReadExactly(stream, header[..4]))
                throw new UserException($"--examples: '{path}' is not an IDX image file: it is shorter than the 16-byte header");
            var magic = BinaryPrimitives.ReadInt32BigEndian(header);
            if (magic != Magic)
                throw new UserException($"--examples: '{path}' is not an IDX image file: magic 0x{magic:x8}, expected 0x{Magic:x8} (unsigned bytes; images, rows, columns)" +
                    (magic == 0x00000801 ? "; this is a label file" : ""));
            if (!TryReadExactly(stream, header[4..]))
                throw new UserException($"--examples: '{path}' is not an IDX image file: it is shorter than the 16-byte header");
            (_count, _rows, _columns) = (BinaryPrimitives.ReadInt32BigEndian(header[4..]), BinaryPrimitives.ReadInt32BigEndian(header[8..]),
                BinaryPrimitives.ReadInt32BigEndian(header[12..]));
            if (_count < 1 || _rows < 1 || _columns < 1 || (long)_rows * _columns > ImageLoader.MaxPixels)
                throw new UserException($"--examples: IDX file '{path}' has the shape {_count}x{_rows}x{_columns}; expected at least one image of at least 1x1 pixels, at most {ImageLoader.MaxPixels} pixels each");
            var expected = (long)_count * _rows * _columns;
            long held = 0;
            var buffer = new byte[1 << 16];
            int read;
            while ((read = stream.Read(buffer)) > 0) held += read;
            if (held != expected)
                throw new UserException($"--examples: IDX file '{path}' says {_count} images of {_rows}x{_columns} ({expected} bytes after the header) but holds {held}");
        }

        public override int Count => _count;

        public override string Description => $"IDX {Path.GetFileName(_path)} ({_count} images of {_rows}x{_columns})";

        public override string Name(int index) => $"{Path.GetFileName(_path)}#{index}";

        private Stream OpenData()
        {
            var file = File.OpenRead(_path);
            Span<byte> start = stackalloc byte[2];
            var gzip = file.Read(start) == 2 && start[0] == 0x1f && start[1] == 0x8b;
            file.Position = 0;
            return gzip ? new GZipStream(file, CompressionMode.Decompress) : new BufferedStream(file);
        }

        private static bool TryReadExactly(Stream stream, Span<byte> buffer)
        {
            try
            {
                stream.ReadExactly(buffer);
                return true;
            }
            catch (EndOfStreamException)
            {
                return false;
            }
        }

        public override IEnumerable<(int Index, PlanarImage? Image)> Read(IEnumerable<int> indices, int channels)
        {
            using var stream = OpenData();
            var plane = _rows * _columns;
            var pixels = new byte[plane];
            stream.ReadExactly(new byte[16]);
            var at = 0;
            foreach (var index in indices)
            {
                for (; at < index; at++) stream.ReadExactly(pixels);
                stream.ReadExactly(pixels);
                at++;
                var data = new float[channels * plane];
                for (var c = 0; c < channels; c++)
                    for (var p = 0; p < plane; p++) data[c * plane + p] = pixels[p] / 255f;
                yield return (index, new PlanarImage(channels, _rows, _columns, data));
            }
        }

        public override string Digest()
        {
            using var stream = OpenData();
            using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 16];
            int read;
            while ((read = stream.Read(buffer)) > 0) digest.AppendData(buffer, 0, read);
            return Convert.ToHexStringLower(digest.GetHashAndReset())[..16];
        }
    }
}
