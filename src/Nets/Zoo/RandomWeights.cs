using DeepVis.Nets.Weights;

namespace DeepVis.Nets.Zoo;

/// <summary>
/// Seeded random weights at an architecture's published widths (He-normal weights, zero biases), for
/// benchmarks: the timing of a step does not depend on what the weights learned.
/// </summary>
public static class RandomWeights
{
    /// <summary>A published model's widths: convolutions in layer order, linear layers in layer order, the pooled size before the classifier, input channels.</summary>
    public sealed record Widths(int[] Convs, int[] Linears, int Pooled, int InputChannels);

    /// <summary>
    /// A published state dict's tensor names and shapes, built module by module as torchvision names them
    /// (a convolution's BatchNorm at <c>.1</c> after the convolution at <c>.0</c>).
    /// </summary>
    public sealed class Shapes : List<(string Name, int[] Shape)>
    {
        /// <summary>A convolution, <paramref name="inputs"/> per group, square kernel.</summary>
        public void Conv(string module, int outputs, int inputs, int kernel, bool bias = false)
        {
            Add(($"{module}.weight", [outputs, inputs, kernel, kernel]));
            if (bias) Add(($"{module}.bias", [outputs]));
        }

        /// <summary>torchvision's Conv2dNormActivation: a convolution without bias at <c>.0</c>, its BatchNorm at <c>.1</c>.</summary>
        public void ConvBatchNorm(string module, int outputs, int inputs, int kernel)
        {
            Conv($"{module}.0", outputs, inputs, kernel);
            foreach (var kind in new[] { "weight", "bias", "running_mean", "running_var" }) Add(($"{module}.1.{kind}", [outputs]));
        }

        /// <summary>A linear layer with its bias.</summary>
        public void Linear(string module, int outputs, int inputs)
        {
            Add(($"{module}.weight", [outputs, inputs]));
            Add(($"{module}.bias", [outputs]));
        }

        /// <summary>A LayerNorm's scale and shift.</summary>
        public void LayerNorm(string module, int channels)
        {
            Add(($"{module}.weight", [channels]));
            Add(($"{module}.bias", [channels]));
        }
    }

    /// <summary>The architectures whose family declares their published widths or tensors.</summary>
    public static IReadOnlyList<string> Names =>
    [
        .. Architectures.Families.Where(f => f.PublishedWidths is not null).SelectMany(f => f.Names),
        .. Architectures.Families.SelectMany(f => f.Names.Where(n => f.PublishedTensors?.Invoke(n) is not null)),
    ];

    public static WeightsFile Create(string arch, int seed)
    {
        var family = Architectures.FamilyOf(arch);
        if (family?.PublishedTensors?.Invoke(arch) is { } shapes) return FromShapes(family, arch, shapes, seed);
        var widths = family?.PublishedWidths?.Invoke(arch)
            ?? throw new WeightsException($"no random weights for architecture '{arch}'; expected one of {string.Join(", ", Names)}");
        var layout = Architectures.Find(arch)!;
        var random = new Random(seed);
        var tensors = new List<WeightTensor>();
        var (conv, linear, channels) = (0, 0, widths.InputChannels);
        var features = 0;
        foreach (var spec in layout.Features.Concat(layout.Classifier))
        {
            switch (spec)
            {
                case ConvSpec c:
                    tensors.AddRange(Layer(random, c.Address, [widths.Convs[conv], channels, c.KernelH, c.KernelW]));
                    channels = widths.Convs[conv++];
                    features = channels * widths.Pooled * widths.Pooled;
                    break;
                case LinearSpec l:
                    tensors.AddRange(Layer(random, l.Address, [widths.Linears[linear], features]));
                    features = widths.Linears[linear++];
                    break;
            }
        }
        var info = widths.InputChannels == 3
            ? ModelInfo.TorchvisionImageNet(arch, features, null)
            : new ModelInfo(arch, widths.InputChannels, [0.5f], [0.5f], 224, features);
        return new WeightsFile(family!.Input(info), tensors);
    }

    /// <summary>
    /// He-normal convolution and linear weights; the identity elsewhere: zero biases and means, unit
    /// variances, norm scales and layer scales.
    /// </summary>
    private static WeightsFile FromShapes(ModelFamily family, string arch, Shapes shapes, int seed)
    {
        var random = new Random(seed);
        var tensors = new List<WeightTensor>();
        foreach (var (name, shape) in shapes)
        {
            var values = new float[shape.Aggregate(1, (a, b) => a * b)];
            var weight = name.EndsWith(".weight", StringComparison.Ordinal);
            if (name.EndsWith(".running_var", StringComparison.Ordinal) || name.EndsWith("layer_scale.weight", StringComparison.Ordinal) || (weight && shape.Length == 1))
                Array.Fill(values, 1f);
            else if (weight)
                values = HeNormal(random, shape);
            tensors.Add(new WeightTensor(name, shape, values));
        }
        var classes = shapes.Last(t => t.Name.EndsWith(".weight", StringComparison.Ordinal)).Shape[0];
        return new WeightsFile(family.Input(ModelInfo.TorchvisionImageNet(arch, classes, null)), tensors);
    }

    private static IEnumerable<WeightTensor> Layer(Random random, string address, int[] shape)
    {
        yield return new WeightTensor($"{address}.weight", shape, HeNormal(random, shape));
        yield return new WeightTensor($"{address}.bias", [shape[0]], new float[shape[0]]);
    }

    private static float[] HeNormal(Random random, int[] shape)
    {
        var fanIn = shape.Skip(1).Aggregate(1, (a, b) => a * b);
        var scale = Math.Sqrt(2.0 / fanIn);
        var weight = new float[shape.Aggregate(1, (a, b) => a * b)];
        for (var i = 0; i < weight.Length; i++)
        {
            // Box-Muller: a standard normal from two uniforms.
            var u = 1.0 - random.NextDouble();
            weight[i] = (float)(scale * Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }
        return weight;
    }
}
