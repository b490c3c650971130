using DeepVis.Kernels.Runtime;
using DeepVis.Kernels.Unary;

namespace DeepVis.Nets.Layers;

/// <summary>An element-wise function (<see cref="IUnaryFunction"/>) as a graph layer: Sigmoid, Tanh, GELU and the others.</summary>
/// <param name="function">The function with its parameters.</param>
/// <param name="type">The PyTorch module name listings show ("Hardswish", "GELU").</param>
/// <param name="details">The function's parameters for listings, or "".</param>
public sealed class UnaryFunctionLayer<TFunction>(TFunction function, string type, string details = "") : StatelessLayer
    where TFunction : struct, IUnaryFunction
{
    public override string Type => type;
    public override string Details => details;
    public override int[] OutputShape(IReadOnlyList<int> input) => [.. input];
    public override void Forward(Tensor x, Tensor y) => UnaryKernels.Forward(function, x, y);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => UnaryKernels.Backward(function, x, y, dy, dx);
}
