using DeepVis.Nets.Files;
using DeepVis.Nets.Weights;
using StbImageWriteSharp;

namespace DeepVis.Cli.Images;

/// <summary>Writes network-input images (normalized, in the model's channel order) as PNG pictures.</summary>
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

    /// <summary>Writes a planar 0..1 image as PNG (grey or RGB); goes through a temporary file so a failure leaves nothing half-written.</summary>
    public static void SavePng(PlanarImage image, string path)
    {
        var plane = image.Height * image.Width;
        var bytes = new byte[image.Channels * plane];
        for (var p = 0; p < plane; p++)
            for (var c = 0; c < image.Channels; c++)
                bytes[p * image.Channels + c] = (byte)Math.Round(Math.Clamp(image.Data[c * plane + p], 0f, 1f) * 255f);
        OutputFile.Write(path, stream => new ImageWriter().WritePng(bytes, image.Width, image.Height,
            image.Channels == 1 ? ColorComponents.Grey : ColorComponents.RedGreenBlue, stream));
    }
}
