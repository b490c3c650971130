using DeepVis.Nets.Layers;
using DeepVis.Nets.Weights;
using DeepVis.Ops;

namespace DeepVis.Nets.Zoo;

/// <summary>
/// The pieces torchvision's squeeze-excitation families (EfficientNet, MobileNetV3, RegNet) and MNASNet
/// share: Conv2dNormActivation (convolution, BatchNorm, optional activation; kernel and groups from the
/// tensors), torchvision.ops.SqueezeExcitation and the activations they name.
/// </summary>
internal static class SqueezeExcitation
{
    public static ILayer Relu() => new ReluLayer();

    public static ILayer Silu() => new UnaryFunctionLayer<SiLU>(new SiLU(), "SiLU");

    public static ILayer Sigmoid() => new UnaryFunctionLayer<Ops.Sigmoid>(new Ops.Sigmoid(), "Sigmoid");

    public static ILayer HardSwish() => new UnaryFunctionLayer<Ops.HardSwish>(new Ops.HardSwish(), "Hardswish");

    /// <summary>torch's hardsigmoid; the arguments are explicit because a struct's new() with none zeroes its fields.</summary>
    public static ILayer HardSigmoid() => new UnaryFunctionLayer<Ops.HardSigmoid>(new Ops.HardSigmoid(Ops.HardSigmoid.TorchAlpha, Ops.HardSigmoid.TorchBeta), "Hardsigmoid");

    /// <summary>
    /// Conv2dNormActivation at <paramref name="module"/>: conv .0 (no bias, padding (k - 1) / 2, the kernel
    /// read from its weight), BatchNorm .1, the activation .2 where there is one; the module's address
    /// names its output. <paramref name="input"/> is the value it reads (the last node when null).
    /// </summary>
    public static string ConvNormActivation(this GraphBuilder g, IReadOnlyDictionary<string, int[]> tensors, string module,
        int stride, double eps, Func<ILayer>? activation, string? input = null)
    {
        // A missing weight is refused when the network is built, naming it; the layout stays comparable
        // with a state dict that lacks it (the nearest family of an unknown dict).
        var kernel = tensors.GetValueOrDefault($"{module}.0.weight") is [_, _, var k, _] ? k : 1;
        g.Conv($"{module}.0", kernel, stride, (kernel - 1) / 2, inputs: input is null ? [] : [input]);
        var output = g.BatchNorm($"{module}.1", eps);
        if (activation is not null) output = g.Stateless($"{module}.2", activation);
        g.Alias(output, module);
        return output;
    }

    /// <summary>
    /// torchvision.ops.SqueezeExcitation at <paramref name="module"/> on the last node x: avgpool, fc1,
    /// activation, fc2, scale_activation, then scale * x (the module's output).
    /// </summary>
    public static string Gate(this GraphBuilder g, string module, Func<ILayer> activation, Func<ILayer> scale)
    {
        var input = g.Last;
        g.GlobalAvgPool($"{module}.avgpool");
        g.Conv($"{module}.fc1", 1, bias: true);
        g.Stateless($"{module}.activation", activation);
        g.Conv($"{module}.fc2", 1, bias: true);
        var gate = g.Stateless($"{module}.scale_activation", scale);
        var output = g.Stateless($"{module}.mul", () => new ElementwiseLayer(BinaryKind.Mul), gate, input);
        g.Alias(output, module);
        return output;
    }

    /// <summary>The residual sum at <paramref name="block"/>.add where the block keeps its input's shape, and the block's address on its output.</summary>
    public static string Residual(this GraphBuilder g, string block, string input, bool add)
    {
        if (add) g.AddValues($"{block}.add", input, g.Last);
        g.Alias(g.Last, block);
        return g.Last;
    }

    /// <summary>The shape of a tensor the layout depends on, or a refusal naming it.</summary>
    public static int[] Shape(IReadOnlyDictionary<string, int[]> tensors, string arch, string name, int rank) =>
        tensors.TryGetValue(name, out var shape) && shape.Length == rank
            ? shape
            : throw new WeightsException($"{arch}: weight tensor '{name}' is missing or not {rank}-D (the layout reads its shape)");

    /// <summary>How many of <paramref name="prefix"/>0, 1, 2 ... hold a tensor.</summary>
    public static int Count(IReadOnlyDictionary<string, int[]> tensors, string prefix, string suffix = ".") =>
        Enumerable.Range(0, 1024).TakeWhile(i => tensors.Keys.Any(k => k.StartsWith($"{prefix}{i}{suffix}", StringComparison.Ordinal))).Count();
}
