using StbImageSharp;

namespace DeepVis.Cli.Images;

/// <summary>An image as planar float channels in 0..1 ([C, H, W], row-major).</summary>
public sealed record PlanarImage(int Channels, int Height, int Width, float[] Data);

/// <summary>Reads PNG, JPEG, BMP, TGA and GIF (first frame) with StbImageSharp.</summary>
public static class ImageLoader
{
    /// <summary>Loads as 1 (grey) or 3 (RGB) channels, converting as needed; a bad file is a one-line error.</summary>
    public static PlanarImage Load(string path, int channels)
    {
        if (!File.Exists(path)) throw new UserException($"image '{path}' does not exist");
        if (channels is not (1 or 3)) throw new UserException($"image '{path}': the model takes {channels} channels; only 1 or 3 are supported");
        ImageResult image;
        try
        {
            using var stream = File.OpenRead(path);
            image = ImageResult.FromStream(stream, channels == 1 ? ColorComponents.Grey : ColorComponents.RedGreenBlue);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new UserException($"image '{path}' cannot be read (expected PNG, JPEG, BMP, TGA or GIF): {e.Message.Split('\n')[0]}");
        }
        var plane = image.Width * image.Height;
        var data = new float[channels * plane];
        for (var p = 0; p < plane; p++)
            for (var c = 0; c < channels; c++)
                data[c * plane + p] = image.Data[p * channels + c] / 255f;
        return new PlanarImage(channels, image.Height, image.Width, data);
    }
}
