using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;

namespace DeepVis.Ops;

/// <summary>
/// Softmax or log-softmax along an axis of the whole tensor (1: channels), or with <paramref name="coerced"/>
/// over everything from the axis on (ONNX's Softmax and LogSoftmax before opset 13).
/// </summary>
public sealed class SoftmaxLayer(int axis, bool coerced, bool log) : StatelessLayer
{
    public override string Type => log ? "LogSoftmax" : "Softmax";
    public override string Details => coerced ? $"axes {axis} and after" : $"axis {axis}";

    public override int[] OutputShape(IReadOnlyList<int> input)
    {
        Softmax.Layout(input, axis, coerced, Type);
        return [.. input];
    }

    public override void Forward(Tensor x, Tensor y)
    {
        if (log) LogSoftmax.Forward(x, y, axis, coerced);
        else Softmax.Forward(x, y, axis, coerced);
    }

    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx)
    {
        if (log) LogSoftmax.Backward(y, dy, dx, axis, coerced);
        else Softmax.Backward(y, dy, dx, axis, coerced);
    }
}
