using StbImageSharp;

namespace DeepVis.Cli.Images;

/// <summary>An image as planar float channels in 0..1 ([C, H, W], row-major).</summary>
public sealed record PlanarImage(int Channels, int Height, int Width, float[] Data);

/// <summary>Reads PNG, JPEG, BMP, TGA and GIF with StbImageSharp (every frame of an animated GIF with <see cref="LoadFrames"/>).</summary>
public static class ImageLoader
{
    public static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".bmp", ".tga", ".gif"];

    /// <summary>Whether the file's extension is one of the formats read here.</summary>
    public static bool IsImage(string path) => Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>Loads as 1 (grey) or 3 (RGB) channels, converting as needed; a bad file is a one-line error.</summary>
    public static PlanarImage Load(string path, int channels) =>
        Read(path, channels, stream =>
        {
            var image = ImageResult.FromStream(stream, channels == 1 ? ColorComponents.Grey : ColorComponents.RedGreenBlue);
            return [ToPlanar(image.Data, image.Width, image.Height, channels, channels)];
        })[0];

    /// <summary>Every frame of a GIF (one for a still one); any other file as its single image.</summary>
    public static IReadOnlyList<PlanarImage> LoadFrames(string path, int channels)
    {
        if (!Path.GetExtension(path).Equals(".gif", StringComparison.OrdinalIgnoreCase)) return [Load(path, channels)];
        // stb decodes GIF frames to RGBA whatever is asked for, and reuses one buffer: convert each frame as it comes.
        return Read(path, channels, stream => ImageResult.AnimatedGifFramesFromStream(stream, ColorComponents.RedGreenBlueAlpha)
            .Select(frame => ToPlanar(frame.Data, frame.Width, frame.Height, 4, channels)).ToList());
    }

    private static List<PlanarImage> Read(string path, int channels, Func<Stream, List<PlanarImage>> decode)
    {
        if (!File.Exists(path)) throw new UserException($"image '{path}' does not exist");
        if (channels is not (1 or 3)) throw new UserException($"image '{path}': the model takes {channels} channels; only 1 or 3 are supported");
        try
        {
            using var stream = File.OpenRead(path);
            var images = decode(stream);
            return images.Count > 0 ? images : throw new InvalidDataException("no frames");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new UserException($"image '{path}' cannot be read (expected PNG, JPEG, BMP, TGA or GIF): {e.Message.Split('\n')[0]}");
        }
    }

    /// <summary>Interleaved bytes with <paramref name="stored"/> components to planar 0..1 with <paramref name="channels"/> (RGBA to grey as stb does).</summary>
    private static PlanarImage ToPlanar(byte[] bytes, int width, int height, int stored, int channels)
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
