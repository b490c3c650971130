using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;

namespace DeepVis.Images;

/// <summary>
/// Reads PNG, JPEG, BMP, TGA and GIF (the first frame here, all of them with <see cref="Movie.Read"/>)
/// through SixLabors.ImageSharp. A file is identified before it is decoded: one above
/// <see cref="MaxPixels"/> is refused, since a small compressed file can stand for gigabytes of pixels.
/// </summary>
public static class ImageLoader
{
    /// <summary>The largest image decoded, in pixels (64 megapixels: 768 MB as planar floats).</summary>
    public const long MaxPixels = 64L * 1024 * 1024;

    /// <summary>A decoder that stops after a GIF's first frame: a still image needs no more, and each frame costs the whole canvas.</summary>
    private static readonly GifDecoder FirstGifFrame = new() { DecodingMode = FrameDecodingMode.First };

    /// <summary>The file extensions of the formats read here, lower case with the dot.</summary>
    public static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".bmp", ".tga", ".gif"];

    /// <summary>Whether the file's extension is one of the formats read here.</summary>
    public static bool IsImage(string path) => Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>Whether the file's extension says GIF.</summary>
    public static bool IsGif(string path) => Path.GetExtension(path).Equals(".gif", StringComparison.OrdinalIgnoreCase);

    /// <summary>Loads as 1 (grey) or 3 (RGB) channels, converting as needed; a bad file is a one-line <see cref="ImageException"/>.</summary>
    public static PlanarImage Load(string path, int channels) =>
        Read(path, channels, "PNG, JPEG, BMP, TGA or GIF", () =>
        {
            var info = Identify(path);
            if (info.Metadata.GetPngMetadata().BitDepth == PngBitDepth.Bit16) return Load16(path, channels);
            using var image = Image.DetectFormat(path) is GifFormat ? Image.Load<Rgb24>(path, FirstGifFrame) : Image.Load<Rgb24>(path);
            var bytes = new byte[image.Width * image.Height * 3];
            image.CopyPixelDataTo(bytes);
            return ToPlanar(bytes, image.Width, image.Height, 3, channels);
        });

    /// <summary>A 16-bit PNG: each value's high byte, as stb_image reduces 16 bits to 8 (ImageSharp would round).</summary>
    private static PlanarImage Load16(string path, int channels)
    {
        using var image = Image.Load<Rgb48>(path);
        var pixels = new Rgb48[image.Width * image.Height];
        image.CopyPixelDataTo(pixels);
        var bytes = new byte[pixels.Length * 3];
        for (var p = 0; p < pixels.Length; p++)
            (bytes[3 * p], bytes[3 * p + 1], bytes[3 * p + 2]) = ((byte)(pixels[p].R >> 8), (byte)(pixels[p].G >> 8), (byte)(pixels[p].B >> 8));
        return ToPlanar(bytes, image.Width, image.Height, 3, channels);
    }

    /// <summary>
    /// Decodes the file in 8 bits (a GIF's frames composited as a viewer shows them) after checking its
    /// size; every failure is an exception whose first line says what is wrong.
    /// </summary>
    internal static Image<Rgb24> Decode(string path)
    {
        Identify(path);
        return Image.Load<Rgb24>(path);
    }

    /// <summary>The file's header, read without decoding the pixels; a picture above <see cref="MaxPixels"/> is refused.</summary>
    private static IImageInfo Identify(string path)
    {
        var info = Image.Identify(path) ?? throw new InvalidDataException("not an image ImageSharp recognizes");
        if ((long)info.Width * info.Height > MaxPixels)
            throw new ImageException($"image '{path}' cannot be read: it is {info.Width}x{info.Height} pixels, more than the {MaxPixels / (1024 * 1024)} megapixels DeepVis decodes");
        return info;
    }

    /// <summary>Decodes an existing file for a model of 1 or 3 channels; what goes wrong in <paramref name="decode"/> becomes one line naming the file.</summary>
    internal static T Read<T>(string path, int channels, string expected, Func<T> decode)
    {
        if (!File.Exists(path)) throw new ImageException($"image '{path}' does not exist");
        if (channels is not (1 or 3)) throw new ImageException($"image '{path}': the model takes {channels} channels; only 1 or 3 are supported");
        try
        {
            return decode();
        }
        catch (Exception e) when (e is not (OutOfMemoryException or DeepVisException))
        {
            throw new ImageException($"image '{path}' cannot be read (expected {expected}): {e.Message.Split('\n')[0]}");
        }
    }

    /// <summary>Interleaved bytes with <paramref name="stored"/> components to planar 0..1 with <paramref name="channels"/> (RGB to grey as stb_image does).</summary>
    internal static PlanarImage ToPlanar(byte[] bytes, int width, int height, int stored, int channels)
    {
        var plane = width * height;
        var data = new float[channels * plane];
        for (var p = 0; p < plane; p++)
        {
            var at = p * stored;
            if (stored != channels && channels == 1)
                data[p] = ((bytes[at] * 77 + bytes[at + 1] * 150 + bytes[at + 2] * 29) >> 8) / 255f;
            else
                for (var c = 0; c < channels; c++) data[c * plane + p] = bytes[at + c] / 255f;
        }
        return new PlanarImage(channels, height, width, data);
    }
}
