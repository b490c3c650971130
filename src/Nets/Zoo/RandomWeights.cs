using DeepVis.Nets.Weights;

namespace DeepVis.Nets.Zoo;

/// <summary>
/// Seeded random weights at an architecture's published widths (He-normal weights, zero biases), for
/// benchmarks: the timing of a step does not depend on what the weights learned.
/// </summary>
public static class RandomWeights
{
    /// <summary>Convolution widths in layer order, linear widths in layer order, the pooled size before the classifier, input channels.</summary>
    private sealed record Widths(int[] Convs, int[] Linears, int Pooled, int InputChannels);

    public static IReadOnlyList<string> Names => ["vgg16", "vgg19", "alexnet", "mini-vgg"];

    public static WeightsFile Create(string arch, int seed)
    {
        var widths = arch switch
        {
            "vgg16" => new Widths([64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512], [4096, 4096, 1000], 7, 3),
            "vgg19" => new Widths([64, 64, 128, 128, 256, 256, 256, 256, 512, 512, 512, 512, 512, 512, 512, 512], [4096, 4096, 1000], 7, 3),
            "alexnet" => new Widths([64, 192, 384, 256, 256], [4096, 4096, 1000], 6, 3),
            "mini-vgg" => new Widths([16, 16, 32, 32], [128, 10], 7, 1),
            _ => throw new WeightsException($"no random weights for architecture '{arch}'; expected one of {string.Join(", ", Names)}"),
        };
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
        var size = arch == "mini-vgg" ? 28 : 224;
        var info = widths.InputChannels == 3
            ? ModelInfo.TorchvisionImageNet(arch, features, null)
            : new ModelInfo(arch, widths.InputChannels, [0.5f], [0.5f], size, features);
        return new WeightsFile(info, tensors);
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
