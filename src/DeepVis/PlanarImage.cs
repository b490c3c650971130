using DeepVis.Images;
using DeepVis.Nets.Weights;
using DeepVis.Optim.Render;

namespace DeepVis;

/// <summary>
/// A picture as planar float channels in 0..1: 1 (grey) or 3 (RGB), each a row-major plane, so
/// <see cref="Data"/> is [C, H, W]. What the visualizations return and what image files load as.
/// </summary>
/// <param name="Channels">1 for grey, 3 for RGB.</param>
/// <param name="Height">Rows of pixels.</param>
/// <param name="Width">Pixels per row.</param>
/// <param name="Data">The values, channel after channel, row after row, in 0..1.</param>
public sealed record PlanarImage(int Channels, int Height, int Width, float[] Data)
{
    /// <summary>The value of channel <paramref name="channel"/> at row <paramref name="y"/>, column <paramref name="x"/>.</summary>
    public float this[int channel, int y, int x] => Data[(channel * Height + y) * Width + x];

    /// <summary>
    /// Reads a PNG, JPEG, BMP, TGA or GIF (its first frame) as <paramref name="channels"/> channels
    /// (1 grey, 3 RGB); a missing, unreadable or too large file is an <see cref="ImageException"/>.
    /// </summary>
    public static PlanarImage Load(string path, int channels = 3) => ImageLoader.Load(path, channels);

    /// <summary>Image <paramref name="n"/> of a render's pixels (0..1 in the network's channel order), in RGB order.</summary>
    public static PlanarImage FromRender(RenderResult result, int n, ModelInfo info)
    {
        var (channels, plane) = (result.Shape[1], result.Shape[2] * result.Shape[3]);
        var data = new float[channels * plane];
        for (var c = 0; c < channels; c++)
            Array.Copy(result.Pixels, (n * channels + c) * plane, data, (info.ColorOrder == "BGR" ? channels - 1 - c : c) * plane, plane);
        return new PlanarImage(channels, result.Shape[2], result.Shape[3], data);
    }

    /// <summary>Writes the picture as an 8-bit PNG (grey or RGB).</summary>
    public void SaveAsPng(string path) => ImageSaver.SavePng(this, path);

    /// <summary>Writes the picture as a JPEG of <paramref name="quality"/> (1 to 100).</summary>
    public void SaveAsJpeg(string path, int quality = 90) => ImageSaver.SaveJpeg(this, path, quality);

    /// <summary>The bytes of the picture as a PNG file.</summary>
    public byte[] ToPng() => ImageSaver.EncodePng(this);

    /// <summary>An HTML <c>img</c> element holding the PNG inline (a data URI), for notebooks and reports.</summary>
    public string ToHtml() => $"<img src=\"data:image/png;base64,{Convert.ToBase64String(ToPng())}\" width=\"{Width}\" height=\"{Height}\" />";
}
