using DeepVis.Images;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets;

namespace DeepVis.Cli.Atlas;

/// <summary>
/// The outputs of an atlas's layers for a folder of example images, from forward passes only (no
/// gradient, no optimization): per channel, each image's largest activation and where it is, and the
/// crop of the image around that peak.
/// </summary>
public sealed class ExampleActivations
{
    /// <summary>Images per forward pass: enough to use the device, few enough for a large folder.</summary>
    private const int PassSize = 8;

    private readonly Dictionary<string, float[]> _values = [];
    private readonly Dictionary<string, int[]> _shapes = [];

    /// <summary>Runs the network on <paramref name="inputs"/> (normalized, [images, C, size, size]) up to every layer at once.</summary>
    public ExampleActivations(Network network, float[] inputs, int images, int size, IReadOnlyList<NetworkLayer> layers)
    {
        var perImage = network.Info.InputChannels * size * size;
        var outputs = layers.ToDictionary(l => l.Address, _ => new List<float>());
        // One workspace for the full passes, another only for a shorter last one.
        Workspace? workspace = null;
        try
        {
            for (var first = 0; first < images; first += PassSize)
            {
                var count = Math.Min(PassSize, images - first);
                if (workspace?.Input.N != count)
                {
                    workspace?.Dispose();
                    workspace = new Workspace(network, [count, network.Info.InputChannels, size, size], layers);
                }
                workspace.Input.CopyFrom(inputs.AsSpan(first * perImage, count * perImage).ToArray());
                workspace.Forward();
                foreach (var layer in layers)
                {
                    var output = workspace.OutputOf(layer.Index);
                    outputs[layer.Address].AddRange(output.ToArray());
                    _shapes[layer.Address] = [images, output.C, output.H, output.W];
                }
            }
        }
        finally
        {
            workspace?.Dispose();
        }
        foreach (var (address, values) in outputs) _values[address] = [.. values];
        Images = images;
        Size = size;
    }

    public int Images { get; }

    /// <summary>The side of the images as the network saw them.</summary>
    public int Size { get; }

    /// <summary>The height and width of a layer's output.</summary>
    public (int Height, int Width) MapSize(string layer) => (_shapes[layer][2], _shapes[layer][3]);

    private ReadOnlySpan<float> Plane(string layer, int image, int channel)
    {
        var shape = _shapes[layer];
        var plane = shape[2] * shape[3];
        return _values[layer].AsSpan((image * shape[1] + channel) * plane, plane);
    }

    /// <summary>Per image, the channel's largest activation (over positions).</summary>
    public float[] Maxima(string layer, int channel) =>
        [.. Enumerable.Range(0, Images).Select(n => System.Numerics.Tensors.TensorPrimitives.Max(Plane(layer, n, channel)))];

    /// <summary>The <paramref name="count"/> images that excite the channel most (ties to the first image), with the peak's position.</summary>
    public IReadOnlyList<(int Image, float Activation, int Y, int X)> Top(string layer, int channel, int count)
    {
        var width = _shapes[layer][3];
        return [.. Enumerable.Range(0, Images)
            .Select(n =>
            {
                var plane = Plane(layer, n, channel);
                var at = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(plane);
                return (Image: n, Activation: plane[at], Y: at / width, X: at % width);
            })
            .OrderByDescending(t => t.Activation).ThenBy(t => t.Image)
            .Take(count)];
    }

    /// <summary>The channel's activation map for an image as a grey picture: 0 (or below) black, the map's maximum white.</summary>
    public PlanarImage Map(string layer, int image, int channel)
    {
        var plane = Plane(layer, image, channel);
        var (height, width) = MapSize(layer);
        var peak = System.Numerics.Tensors.TensorPrimitives.Max(plane);
        var data = new float[plane.Length];
        for (var i = 0; i < data.Length; i++) data[i] = peak > 0 ? Math.Clamp(plane[i] / peak, 0f, 1f) : 0f;
        return new PlanarImage(1, height, width, data);
    }

    /// <summary>
    /// The square of <paramref name="image"/> around a peak at (y, x) of a layer's output, the position
    /// mapped to input pixels in proportion to the sizes: a quarter of the image, or three output cells
    /// where those are larger, moved inside the image.
    /// </summary>
    public PlanarImage Crop(PlanarImage image, string layer, int y, int x)
    {
        var (height, width) = MapSize(layer);
        var side = Math.Clamp(Math.Max(Size / 4, 3 * Size / Math.Min(height, width)), 1, Math.Min(image.Height, image.Width));
        int Origin(int at, int cells, int extent) => Math.Clamp((int)((at + 0.5) * extent / cells) - side / 2, 0, extent - side);
        var (top, left) = (Origin(y, height, image.Height), Origin(x, width, image.Width));
        var data = new float[image.Channels * side * side];
        for (var c = 0; c < image.Channels; c++)
            for (var row = 0; row < side; row++)
                Array.Copy(image.Data, (c * image.Height + top + row) * image.Width + left, data, (c * side + row) * side, side);
        return new PlanarImage(image.Channels, side, side, data);
    }
}
