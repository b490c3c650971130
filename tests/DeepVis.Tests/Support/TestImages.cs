using SixLabors.ImageSharp;
using SixImage = SixLabors.ImageSharp.Image;
using SixLabors.ImageSharp.PixelFormats;

namespace DeepVis.Tests.Support;

/// <summary>PNG files as the tests write and check them: 8-bit interleaved pixels, independent of the library's planar images.</summary>
public static class TestImages
{
    /// <summary>Interleaved 8-bit pixels, <c>Data.Length / (Width * Height)</c> components each.</summary>
    public sealed record Pixels(int Width, int Height, byte[] Data);

    /// <summary>Reads a PNG file as 1 (grey, stb_image's weights) or 3 (RGB) components per pixel.</summary>
    public static Pixels Read(string path, int channels = 1)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, channels);
    }

    /// <inheritdoc cref="Read(string, int)"/>
    public static Pixels Read(Stream stream, int channels = 1)
    {
        using var image = SixImage.Load<Rgb24>(stream);
        var rgb = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(rgb);
        if (channels == 3) return new Pixels(image.Width, image.Height, rgb);
        var grey = new byte[image.Width * image.Height];
        for (var p = 0; p < grey.Length; p++) grey[p] = (byte)((rgb[3 * p] * 77 + rgb[3 * p + 1] * 150 + rgb[3 * p + 2] * 29) >> 8);
        return new Pixels(image.Width, image.Height, grey);
    }

    /// <summary>The RGB pixels of the PNG an HTML <c>img</c> element holds as a data URI.</summary>
    public static Pixels FromHtml(string html) =>
        Read(new MemoryStream(Convert.FromBase64String(html.Split("base64,")[1].Split('"')[0])), 3);

    /// <summary>Writes interleaved 8-bit pixels (1 grey or 3 RGB components) as a PNG.</summary>
    public static void WritePng(byte[] pixels, int width, int height, int channels, Stream stream)
    {
        using SixImage image = channels == 1 ? SixImage.LoadPixelData<L8>(pixels, width, height) : SixImage.LoadPixelData<Rgb24>(pixels, width, height);
        image.SaveAsPng(stream);
    }
}
