using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;
using DeepVis.Ops;

namespace DeepVis.WeightsConverter.Conversion;

/// <summary>
/// Keras applications' VGG weights in torchvision's layout: layer names to addresses through the
/// zoo's Keras aliases, conv kernels HWIO to OIHW, dense kernels (in, out) to (out, in), and the first
/// dense layer's rows from Keras's H,W,C flatten order to torchvision's C,H,W.
/// </summary>
internal static class KerasLayout
{
    public static (string Arch, List<WeightTensor> Tensors) ToTorchvision(IReadOnlyList<KerasLayer> layers, string? requested, string source)
    {
        foreach (var arch in requested is null ? Architectures.Keras : [requested])
        {
            var layout = Architectures.Find(arch);
            if (layout is null) break;
            var specs = layout.Features.Concat(layout.Classifier).ToList();
            var byAlias = specs.SelectMany(s => s.Aliases.Select(a => (a, s))).ToDictionary(p => p.a, p => p.s);
            if (!layers.All(l => byAlias.ContainsKey(l.Name))) continue;
            var tensors = new List<WeightTensor>();
            var channels = 0;
            foreach (var layer in layers)
            {
                var spec = byAlias[layer.Name];
                var kernel = Weight(layer, "kernel", source);
                var bias = Weight(layer, "bias", source);
                WeightTensor weight;
                if (spec is ConvSpec)
                {
                    weight = HwioToOihw(kernel, $"{spec.Address}.weight", source);
                    channels = weight.Shape[0];
                }
                else
                {
                    weight = DenseToLinear(kernel, $"{spec.Address}.weight", spec.Address == specs.OfType<LinearSpec>().First().Address ? channels : 0, source);
                }
                tensors.Add(weight);
                tensors.Add(bias with { Name = $"{spec.Address}.bias" });
            }
            return (ArchitectureMatch.Infer(tensors, arch, source).Arch, tensors);
        }
        throw new WeightsFormatException(
            $"{source}: Keras layers ({string.Join(", ", layers.Take(4).Select(l => l.Name))}, ...) match none of the Keras applications models {string.Join(", ", Architectures.Keras)}");
    }

    private static WeightTensor Weight(KerasLayer layer, string kind, string source) =>
        layer.Weights.FirstOrDefault(w => w.Name.Split('/')[^1].StartsWith(kind + ":", StringComparison.Ordinal))
        ?? throw new WeightsFormatException($"{source}: Keras layer '{layer.Name}' has no {kind} (has {string.Join(", ", layer.Weights.Select(w => w.Name))})");

    private static WeightTensor HwioToOihw(WeightTensor k, string name, string source)
    {
        if (k.Shape.Length != 4) throw new WeightsFormatException($"{source}: {k.Name} has shape {k.ShapeText}, expected a 4-D HWIO kernel");
        var (h, w, i, o) = (k.Shape[0], k.Shape[1], k.Shape[2], k.Shape[3]);
        var data = new float[k.Data.Length];
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
        for (var c = 0; c < i; c++)
        for (var f = 0; f < o; f++)
            data[((f * i + c) * h + y) * w + x] = k.Data[((y * w + x) * i + c) * o + f];
        return new WeightTensor(name, [o, i, h, w], data);
    }

    /// <summary>(in, out) to (out, in); when <paramref name="channels"/> &gt; 0 the inputs are an H,W,C flatten to reorder to C,H,W.</summary>
    private static WeightTensor DenseToLinear(WeightTensor k, string name, int channels, string source)
    {
        if (k.Shape.Length != 2) throw new WeightsFormatException($"{source}: {k.Name} has shape {k.ShapeText}, expected a 2-D dense kernel");
        var (inputs, outputs) = (k.Shape[0], k.Shape[1]);
        var plane = channels > 0 ? inputs / channels : 1;
        if (channels > 0 && plane * channels != inputs)
            throw new WeightsFormatException($"{source}: {k.Name} has {inputs} inputs, not a multiple of the {channels} channels before it");
        var data = new float[k.Data.Length];
        for (var r = 0; r < inputs; r++)
        {
            // Keras row r = p * C + c (p the spatial position) is torchvision column c * plane + p.
            var column = channels > 0 ? r % channels * plane + r / channels : r;
            for (var o = 0; o < outputs; o++) data[o * inputs + column] = k.Data[r * outputs + o];
        }
        return new WeightTensor(name, [outputs, inputs], data);
    }
}
