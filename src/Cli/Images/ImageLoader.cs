using StbImageSharp;

namespace DeepVis.Cli.Images;

/// <summary>An image as planar float channels in 0..1 ([C, H, W], row-major).</summary>
public sealed record PlanarImage(int Channels, int Height, int Width, float[] Data);

/// <summary>Reads PNG, JPEG, BMP and TGA with StbImageSharp, GIF with ImageSharp (<see cref="GifFile"/>; the first frame here, all of them with <see cref="Movie.Read"/>).</summary>
public static class ImageLoader
{
    public static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".bmp", ".tga", ".gif"];

    /// <summary>Whether the file's extension is one of the formats read here.</summary>
    public static bool IsImage(string path) => Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    public static bool IsGif(string path) => Path.GetExtension(path).Equals(".gif", StringComparison.OrdinalIgnoreCase);

    /// <summary>Loads as 1 (grey) or 3 (RGB) channels, converting as needed; a bad file is a one-line error.</summary>
    public static PlanarImage Load(string path, int channels) =>
        Read(path, channels, "PNG, JPEG, BMP, TGA or GIF", () =>
        {
            if (IsGif(path)) return GifFile.Read(path, channels).Frames[0];
            using var stream = File.OpenRead(path);
            var image = ImageResult.FromStream(stream, channels == 1 ? ColorComponents.Grey : ColorComponents.RedGreenBlue);
            return ToPlanar(image.Data, image.Width, image.Height, channels, channels);
        });

    /// <summary>Decodes an existing file for a model of 1 or 3 channels; what goes wrong in <paramref name="decode"/> becomes one line naming the file.</summary>
    internal static T Read<T>(string path, int channels, string expected, Func<T> decode)
    {
        if (!File.Exists(path)) throw new UserException($"image '{path}' does not exist");
        if (channels is not (1 or 3)) throw new UserException($"image '{path}': the model takes {channels} channels; only 1 or 3 are supported");
        try
        {
            return decode();
        }
        catch (Exception e) when (e is not (OutOfMemoryException or UserException))
        {
            throw new UserException($"image '{path}' cannot be read (expected {expected}): {e.Message.Split('\n')[0]}");
        }
    }

    /// <summary>Interleaved bytes with <paramref name="stored"/> components to planar 0..1 with <paramref name="channels"/> (RGB(A) to grey as stb does).</summary>
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
