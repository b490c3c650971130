using DeepVis.Nets.Files;

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

    /// <summary>The largest input channel count and default size a file may declare.</summary>
    public const int MaxChannels = 1024, MaxDefaultSize = 4096;

    /// <summary>
    /// What a file's description gets wrong (a channel count out of 1..1024, a mean or std list of
    /// another length, a std that is not positive and finite, an input range that is not, a default
    /// size out of 1..4096, a negative class count, a colour order other than RGB and BGR), or null.
    /// </summary>
    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Arch)) return "the architecture name is empty";
        if (InputChannels is < 1 or > MaxChannels) return $"input_channels is {InputChannels}, expected 1..{MaxChannels}";
        if (Mean is null || Mean.Length != InputChannels || Mean.Any(v => !float.IsFinite(v)))
            return $"mean has {Mean?.Length ?? 0} values ({Values(Mean)}), expected {InputChannels} finite numbers (one per input channel)";
        if (Std is null || Std.Length != InputChannels || Std.Any(v => !float.IsFinite(v) || v <= 0))
            return $"std has {Std?.Length ?? 0} values ({Values(Std)}), expected {InputChannels} positive finite numbers (one per input channel)";
        if (!float.IsFinite(InputRange) || InputRange <= 0) return $"input_range is {InputRange}, expected a positive number (1 or 255)";
        if (DefaultSize is < 1 or > MaxDefaultSize) return $"default_size is {DefaultSize}, expected 1..{MaxDefaultSize}";
        if (ClassCount < 0) return $"class_count is {ClassCount}, expected 0 or more";
        if (ColorOrder is not ("RGB" or "BGR")) return $"color_order is '{FileText.Escape(ColorOrder)}', expected RGB or BGR";
        return null;
    }

    private static string Values(float[]? values) =>
        values is null ? "none" : string.Join(", ", values.Take(8)) + (values.Length > 8 ? ", ..." : "");

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

    /// <summary>The index of the first NaN or infinite value, or -1 when every value is finite.</summary>
    public int FirstNonFinite()
    {
        const int Chunk = 4096;
        for (var start = 0; start < Data.Length; start += Chunk)
        {
            var chunk = Data.AsSpan(start, Math.Min(Chunk, Data.Length - start));
            // A sum times zero is zero unless a value is NaN or infinite (or the sum overflows: then look).
            if (!float.IsNaN(System.Numerics.Tensors.TensorPrimitives.Sum(chunk) * 0f)) continue;
            if (FirstIn(chunk) is var at and >= 0) return start + at;
        }
        return -1;
    }

    private static int FirstIn(ReadOnlySpan<float> chunk)
    {
        for (var i = 0; i < chunk.Length; i++)
            if (!float.IsFinite(chunk[i])) return i;
        return -1;
    }
}

/// <summary>A weights file that cannot be used; the message is one line naming the file and the problem.</summary>
public sealed class WeightsException(string message) : DeepVisException(message);
