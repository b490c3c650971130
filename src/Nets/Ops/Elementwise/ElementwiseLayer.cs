using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;

namespace DeepVis.Ops;

/// <summary>
/// a op b with NumPy broadcasting: of two computed values (a residual sum, a squeeze-excitation gate),
/// or of one and a constant the layer owns (a layer scale, GELU's x * 0.5), the constant first where
/// <paramref name="constantFirst"/> (1 - x, 1 / x).
/// </summary>
public sealed class ElementwiseLayer(BinaryKind kind, Tensor? constant = null, bool constantFirst = false, bool broadcast = true) : ILayer
{
    public string Type => kind.ToString();

    public string Details => constant is null ? "" : constantFirst ? $"constant {constant.ShapeText} {Symbol} x" : $"x {Symbol} constant {constant.ShapeText}";

    public long ParameterCount => constant?.Length ?? 0;

    private string Symbol => kind switch { BinaryKind.Add => "+", BinaryKind.Sub => "-", BinaryKind.Mul => "*", _ => "/" };

    public int[] OutputShape(IReadOnlyList<int[]> inputs)
    {
        var expected = constant is null ? 2 : 1;
        if (inputs.Count != expected)
            throw new ShapeException($"{Type}: expected {expected} input{(expected == 1 ? "" : "s")}, got {inputs.Count}");
        if (constant is not null && constant.Rank >= inputs[0].Length)
            throw new ShapeException($"{Type}: the constant {constant.ShapeText} has more axes than an item of the input {Tensor.Format(inputs[0])}");
        var (a, b) = Operands(inputs, constant is null ? null : [.. constant.Shape]);
        // A residual sum adds values of one shape: at an input size where its branches disagree, broadcasting
        // a 1-pixel branch would silently compute something the network never meant.
        if (!broadcast && !a.SequenceEqual(b))
            throw new ShapeException($"{Type}: expected two inputs of one shape, got {Tensor.Format(a)} and {Tensor.Format(b)}");
        return Broadcast.Shape(a, b)
            ?? throw new ShapeException($"{Type}: shapes {Tensor.Format(a)} and {Tensor.Format(b)} do not broadcast (each axis, aligned to the right, must match or be 1; at most {Broadcast.MaxRank} axes)");
    }

    public void Forward(IReadOnlyList<Tensor> inputs, Tensor y)
    {
        var (a, b) = Operands(inputs, constant);
        // Same-shape sums (residual connections) keep the plain vector kernel.
        if (kind == BinaryKind.Add && a.HasShape([.. b.Shape])) Add.Forward(a, b, y);
        else Elementwise.Forward(kind, a, b, y);
    }

    public void Backward(IReadOnlyList<Tensor> inputs, Tensor y, Tensor dy, IReadOnlyList<Tensor> dxs)
    {
        var (a, b) = Operands(inputs, constant);
        for (var k = 0; k < dxs.Count; k++)
        {
            var operand = constant is null ? k : constantFirst ? 1 : 0;
            if (kind == BinaryKind.Add && dxs[k].HasShape([.. dy.Shape])) dy.CopyTo(dxs[k]);
            else Elementwise.Backward(kind, operand, a, b, dy, dxs[k]);
        }
    }

    private (T A, T B) Operands<T>(IReadOnlyList<T> inputs, T? own) where T : class =>
        own is null ? (inputs[0], inputs[1]) : constantFirst ? (own, inputs[0]) : (inputs[0], own);

    public void Dispose()
    {
        constant?.Dispose();
        GC.SuppressFinalize(this);
    }
}
