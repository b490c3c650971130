using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;

namespace DeepVis.Ops;

/// <summary>Positions start, start + step, .. below end of one axis (x.chunk, x[:, a:b], ONNX Slice, Split, Gather); <see cref="Squeeze"/> drops the axis (one position).</summary>
public sealed class SliceLayer(int axis, int start, int end, int step, bool squeeze) : StatelessLayer
{
    public int Axis { get; } = axis;
    public int Start { get; } = start;
    public int End { get; } = end;
    public int Step { get; } = step;
    public bool Squeeze { get; } = squeeze;
    public override string Type => "Slice";
    public override string Details => $"axis {Axis}, {Start}..{End}{(Step == 1 ? "" : $" step {Step}")}{(Squeeze ? ", squeezed" : "")}";
    public override int[] OutputShape(IReadOnlyList<int> input) => Slice.OutputShape(input, Axis, Start, End, Step, Squeeze);
    public override void Forward(Tensor x, Tensor y) => Slice.Forward(x, y, Axis, Start, End, Step);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => Slice.Backward(dy, dx, Axis, Start, End, Step);
}
