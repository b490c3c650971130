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

    /// <summary>The architectures whose family declares their published widths.</summary>
    public static IReadOnlyList<string> Names =>
        [.. Architectures.Families.Where(f => f.PublishedWidths is not null).SelectMany(f => f.Names)];

    public static WeightsFile Create(string arch, int seed)
    {
        var family = Architectures.FamilyOf(arch);
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

    private static IEnumerable<WeightTensor> Layer(Random random, string address, int[] shape)
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
        yield return new WeightTensor($"{address}.weight", shape, weight);
        yield return new WeightTensor($"{address}.bias", [shape[0]], new float[shape[0]]);
    }
}
