using DeepVis.Kernels.Runtime;

namespace DeepVis.Ops;

/// <summary>
/// x.view(n, d1, .., dk) (ONNX Reshape, Squeeze, Unsqueeze and Flatten past the batch): the batch kept,
/// each item's elements in the same order under another shape, so forward and backward are copies.
/// </summary>
public static class Reshape
{
    /// <summary>[batch, ..item] when the input's items hold as many elements as <paramref name="item"/>.</summary>
    public static int[] OutputShape(IReadOnlyList<int> input, IReadOnlyList<int> item)
    {
        var (from, to) = (input.Skip(1).Aggregate(1L, (a, b) => a * b), item.Aggregate(1L, (a, b) => a * b));
        if (input.Count == 0 || from != to || item.Any(d => d < 1))
            throw new ShapeException($"reshape of {Tensor.Format(input)} to items {Tensor.Format(item)}: {from} elements per item cannot become {to}");
        return [input[0], .. item];
    }

    public static void Forward(Tensor x, Tensor y) => Copy(x, y, "reshape output");

    public static void Backward(Tensor dy, Tensor dx) => Copy(dy, dx, "reshape input gradient");

    private static void Copy(Tensor from, Tensor to, string what)
    {
        if (to.N != from.N || to.Length != from.Length)
            throw new ShapeException($"{what}: {to.ShapeText} does not hold the {from.ShapeText} it is copied from");
        from.CopyElementsTo(to);
    }
}
