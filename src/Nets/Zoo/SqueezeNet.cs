using DeepVis.Nets.Layers;

namespace DeepVis.Nets.Zoo;

/// <summary>
/// torchvision's SqueezeNet 1.0 and 1.1: a stem conv (7x7 or 3x3, stride 2), ReLU, and features.2..12
/// of Fire modules (1x1 squeeze, then 1x1 and 3x3 expands concatenated) and ceil-mode max pools; the
/// classifier is dropout, a 1x1 conv to the classes, ReLU and a global average pool, flattened into
/// <c>logits</c>. Which features are Fire modules comes from the tensors.
/// </summary>
internal static class SqueezeNet
{
    public static ModelFamily Family { get; } = new()
    {
        Names = ["squeezenet1_0", "squeezenet1_1"],
        Signature = "features.3.squeeze.weight",
        NameFor = tensors => tensors.TryGetValue("features.0.weight", out var stem) && stem.Length == 4 && stem[2] == 7 ? "squeezenet1_0" : "squeezenet1_1",
        Layout = (arch, tensors) => tensors is null ? null : Layout(arch, tensors),
    };

    private static Architectures.Layout Layout(string arch, IReadOnlyDictionary<string, int[]> tensors)
    {
        var g = new GraphBuilder();
        g.Conv("features.0", arch == "squeezenet1_0" ? 7 : 3, 2, 0, bias: true);
        g.Relu("features.1");
        var last = Enumerable.Range(2, 32).Last(i => i == 2 || tensors.ContainsKey($"features.{i}.squeeze.weight"));
        for (var i = 2; i <= last; i++)
        {
            if (tensors.ContainsKey($"features.{i}.squeeze.weight")) Fire(g, $"features.{i}");
            else g.MaxPool($"features.{i}", new Pool2dSettings(3, 2, 0, ceilMode: true));
        }
        g.Alias(g.Last, "features");
        g.Stateless("classifier.0", () => new DropoutLayer());
        return new Architectures.Layout(g.Nodes,
        [
            new ConvSpec("classifier.1", [], 1, 1, 0) { Inputs = ["classifier.0"] },
            new StatelessSpec("classifier.2", [], () => new ReluLayer()) { Inputs = ["classifier.1"] },
            new StatelessSpec("classifier.3", [], () => new AdaptiveAvgPool2dLayer(1, 1)) { Inputs = ["classifier.2"] },
            new StatelessSpec("flatten", ["logits"], () => new FlattenLayer()) { Inputs = ["classifier.3"] },
        ]);
    }

    private static void Fire(GraphBuilder g, string p)
    {
        g.Conv($"{p}.squeeze", 1, bias: true);
        var squeezed = g.Relu($"{p}.squeeze_activation");
        g.Conv($"{p}.expand1x1", 1, 1, 0, true, squeezed);
        var e1 = g.Relu($"{p}.expand1x1_activation");
        g.Conv($"{p}.expand3x3", 3, 1, 1, true, squeezed);
        var e3 = g.Relu($"{p}.expand3x3_activation");
        g.Concat(p, e1, e3);
    }
}
