using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;

namespace DeepVis.Ops;

/// <summary>
/// torch's permute (ConvNeXt's NCHW to NHWC and back) and ONNX Transpose: the input's axes, batch first,
/// permuted. With <see cref="Groups"/> it is ShuffleNet's channel_shuffle(x, groups) instead:
/// x.view(n, groups, c / groups, h, w).transpose(1, 2) viewed back as [n, c, h, w] (channel
/// g * (c / groups) + k moves to k * groups + g), one permutation of the input read as [n, groups, c / groups, h * w].
/// </summary>
public sealed class TransposeLayer : StatelessLayer
{
    private static readonly int[] ShufflePerm = [0, 2, 1, 3];

    public TransposeLayer(IReadOnlyList<int> perm) => Perm = perm;

    private TransposeLayer(int groups) => (Perm, Groups) = (ShufflePerm, groups);

    /// <summary>ShuffleNet's channel shuffle with <paramref name="groups"/> groups.</summary>
    public static TransposeLayer ChannelShuffle(int groups) => new(groups);

    public IReadOnlyList<int> Perm { get; }

    /// <summary>The channel shuffle's groups, 0 for a plain permutation.</summary>
    public int Groups { get; }

    public override string Type => Groups > 0 ? "ChannelShuffle" : "Permute";
    public override string Details => Groups > 0 ? $"{Groups} groups" : $"[{string.Join(", ", Perm)}]";

    public override int[] OutputShape(IReadOnlyList<int> input)
    {
        if (Groups == 0) return Transpose.OutputShape(input, Perm);
        if (input.Count < 2 || input[1] % Groups != 0)
            throw new ShapeException($"ChannelShuffle {Groups} groups: input {Tensor.Format(input)} has no channel count divisible by {Groups}");
        return [.. input];
    }

    public override void Forward(Tensor x, Tensor y) => Transpose.Forward(x, y, Dims(x.Shape), Perm);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => Transpose.Backward(dy, dx, Dims(x.Shape), Perm);

    /// <summary>The logical shape the permutation reads the input as.</summary>
    private IReadOnlyList<int> Dims(IReadOnlyList<int> shape) =>
        Groups == 0 ? shape : [shape[0], Groups, shape[1] / Groups, shape.Skip(2).Aggregate(1, (a, b) => a * b)];
}
