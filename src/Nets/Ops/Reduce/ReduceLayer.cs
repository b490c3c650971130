using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;

namespace DeepVis.Ops;

/// <summary>The mean or maximum over <paramref name="axes"/> (of the batched tensor, never 0), the reduced axes kept with extent 1 or dropped.</summary>
public sealed class ReduceLayer(ReduceKind kind, IReadOnlyList<int> axes, bool keepDims) : StatelessLayer
{
    public override string Type => kind == ReduceKind.Mean ? "ReduceMean" : "ReduceMax";

    public override string Details => $"axes [{string.Join(", ", axes)}]{(keepDims ? ", keepdims" : "")}";

    public override int[] OutputShape(IReadOnlyList<int> input)
    {
        if (input.Count > Broadcast.MaxRank || axes.Any(a => a < 1 || a >= input.Count))
            throw new ShapeException($"{Type}: axes [{string.Join(", ", axes)}] do not fit the input {Tensor.Format(input)} (from 1 to {input.Count - 1}; at most {Broadcast.MaxRank} axes)");
        return keepDims ? Reduce.Kept(input, [.. axes]) : [.. input.Where((_, k) => !axes.Contains(k))];
    }

    public override void Forward(Tensor x, Tensor y) => Reduce.Forward(kind, x, [.. axes], y);

    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => Reduce.Backward(kind, x, [.. axes], y, dy, dx);
}
