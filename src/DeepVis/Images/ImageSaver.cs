using DeepVis.Nets.Files;
using DeepVis.Nets.Weights;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace DeepVis.Images;

/// <summary>Writes planar 0..1 images as PNG or JPEG pictures, and turns network inputs back into pictures.</summary>
public static class ImageSaver
{
    /// <summary>
    /// Item <paramref name="n"/> of an [N, C, H, W] batch in the model's input space to 8-bit pixels:
    /// denormalized, scaled from the model's input range to 0..1, back to RGB order, clamped.
    /// </summary>
    public static PlanarImage ToPixels(float[] batch, int n, int channels, int height, int width, ModelInfo info)
    {
        var plane = height * width;
        var data = new float[channels * plane];
        for (var c = 0; c < channels; c++)
        {
            var target = info.ColorOrder == "BGR" ? channels - 1 - c : c;
            for (var p = 0; p < plane; p++)
            {
                var v = batch[(n * channels + c) * plane + p] * info.Std[c] + info.Mean[c];
                data[target * plane + p] = Math.Clamp(v / info.InputRange, 0f, 1f);
            }
        }
        return new PlanarImage(channels, height, width, data);
    }

    /// <summary>Writes a planar 0..1 image as PNG (grey or RGB); through a uniquely named temporary file and a rename (OutputFile), so a failure leaves nothing half-written.</summary>
    public static void SavePng(PlanarImage image, string path) => Save(image, path, Png(image));

    /// <summary>Writes a planar 0..1 image as JPEG of <paramref name="quality"/> (1 to 100), through a temporary file.</summary>
    public static void SaveJpeg(PlanarImage image, string path, int quality) => Save(image, path, new JpegEncoder
    {
        Quality = quality is >= 1 and <= 100 ? quality : throw new SettingsException($"JPEG quality must be 1 to 100, got {quality}"),
        ColorType = image.Channels == 1 ? JpegColorType.Luminance : JpegColorType.YCbCrRatio444,
    });

    /// <summary>The PNG file's bytes (grey or RGB).</summary>
    public static byte[] EncodePng(PlanarImage image)
    {
        using var stream = new MemoryStream();
        using (var picture = ToImage(image))
            picture.Save(stream, Png(image));
        return stream.ToArray();
    }

    private static PngEncoder Png(PlanarImage image) =>
        new() { ColorType = image.Channels == 1 ? PngColorType.Grayscale : PngColorType.Rgb, BitDepth = PngBitDepth.Bit8 };

    private static void Save(PlanarImage image, string path, IImageEncoder encoder)
    {
        using var picture = ToImage(image);
        OutputFile.Write(path, stream => picture.Save(stream, encoder));
    }

    /// <summary>The 8-bit picture of a planar 0..1 image: grey as L8, colour as RGB24.</summary>
    private static Image ToImage(PlanarImage image)
    {
        var plane = image.Height * image.Width;
        var bytes = new byte[image.Channels * plane];
        for (var p = 0; p < plane; p++)
            for (var c = 0; c < image.Channels; c++)
                bytes[p * image.Channels + c] = ToByte(image.Data[c * plane + p]);
        return image.Channels == 1
            ? Image.LoadPixelData<L8>(bytes, image.Width, image.Height)
            : Image.LoadPixelData<Rgb24>(bytes, image.Width, image.Height);
    }

    /// <summary>A 0..1 value as an 8-bit pixel, rounded to the nearest.</summary>
    internal static byte ToByte(float v) => (byte)Math.Round(Math.Clamp(v, 0f, 1f) * 255f);
}
