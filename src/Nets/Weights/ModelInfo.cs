namespace DeepVis.Nets.Weights;

/// <summary>
/// What a weights file says about its model beyond the tensors: the architecture and how to turn an
/// image into the network's input. A pixel p in 0..1 becomes ((p * InputRange) - Mean[c]) / Std[c],
/// with channels in <see cref="ColorOrder"/> (Keras VGG wants BGR on 0..255 minus the ImageNet mean).
/// <see cref="Graph"/> is the node list of a model whose structure the file carries (an ONNX import,
/// <see cref="Zoo.StoredGraph"/>); null for the architectures DeepVis knows by name.
/// </summary>
public sealed record ModelInfo(
    string Arch,
    int InputChannels,
    float[] Mean,
    float[] Std,
    int DefaultSize,
    int ClassCount,
    string ColorOrder = "RGB",
    float InputRange = 1f,
    IReadOnlyList<string>? Classes = null,
    string? Graph = null)
{
    /// <summary>torchvision's ImageNet normalization (RGB, 0..1).</summary>
    public static ModelInfo TorchvisionImageNet(string arch, int classCount, IReadOnlyList<string>? classes) =>
        new(arch, 3, [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f], 224, classCount, "RGB", 1f, classes);

    /// <summary>Keras applications' VGG "caffe" preprocessing: BGR, 0..255, ImageNet mean subtracted, no scaling.</summary>
    public static ModelInfo KerasCaffe(string arch, int classCount, IReadOnlyList<string>? classes) =>
        new(arch, 3, [103.939f, 116.779f, 123.68f], [1f, 1f, 1f], 224, classCount, "BGR", 255f, classes);

    /// <summary>The largest input side and channel count a model may declare.</summary>
    public const int MaxSide = 65536;

    /// <summary>
    /// What is out of range in the description, or null: 1 to 4096 input channels, one mean and one
    /// non-zero std per channel (all finite), a default size from 1 to <see cref="MaxSide"/>, no negative
    /// class count, a positive finite input range, RGB or BGR. Checked when a file is read, so that no
    /// value reaches the normalization or a kernel unchecked.
    /// </summary>
    public string? Problem() =>
        Ranges.Problem("input_channels", 1, Ranges.MaxExtent, InputChannels)
        ?? (Mean.Length != InputChannels || !Mean.All(float.IsFinite)
            ? $"attribute 'mean' has {Mean.Length} value{(Mean.Length == 1 ? "" : "s")} [{string.Join(", ", Mean)}]; expected {InputChannels} finite numbers, one per input channel"
            : null)
        ?? (Std.Length != InputChannels || !Std.All(s => float.IsFinite(s) && s != 0)
            ? $"attribute 'std' has {Std.Length} value{(Std.Length == 1 ? "" : "s")} [{string.Join(", ", Std)}]; expected {InputChannels} finite non-zero numbers, one per input channel"
            : null)
        ?? Ranges.Problem("default_size", 1, MaxSide, DefaultSize)
        ?? Ranges.Problem("class_count", 0, int.MaxValue, ClassCount)
        ?? (InputRange > 0 && float.IsFinite(InputRange) ? null : $"attribute 'input_range' is {InputRange}; expected a positive finite number")
        ?? (ColorOrder is "RGB" or "BGR" ? null : $"attribute 'color_order' is '{ColorOrder}'; expected RGB or BGR");

    /// <summary>
    /// Planar pixels in 0..1 (RGB or grey, [C, H*W]) to the network's input: scaled to InputRange,
    /// reordered to ColorOrder, mean subtracted and divided by std per channel.
    /// </summary>
    public float[] Normalize(float[] pixels, int plane)
    {
        var channels = pixels.Length / plane;
        var result = new float[pixels.Length];
        for (var c = 0; c < channels; c++)
        {
            var source = ColorOrder == "BGR" ? channels - 1 - c : c;
            for (var p = 0; p < plane; p++)
                result[c * plane + p] = (pixels[source * plane + p] * InputRange - Mean[c]) / Std[c];
        }
        return result;
    }
}

/// <summary>A named weight tensor, row-major (OIHW for convolutions, [out, in] for linear layers).</summary>
public sealed record WeightTensor(string Name, int[] Shape, float[] Data)
{
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}

/// <summary>A weights file that cannot be used; the message is one line naming the file and the problem.</summary>
public sealed class WeightsException(string message) : DeepVisException(message);
