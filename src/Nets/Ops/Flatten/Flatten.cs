using DeepVis.Kernels.Runtime;

namespace DeepVis.Ops;

/// <summary>
/// torch.flatten(x, 1): [N, ...] to [N, product of the rest], the same elements in the same order, so
/// forward and backward are copies (no kernel of its own).
/// </summary>
public static class Flatten
{
    /// <summary>The flattened shape of <paramref name="input"/>: the batch, then every other axis as one.</summary>
    public static int[] OutputShape(IReadOnlyList<int> input) => [input[0], input.Skip(1).Aggregate(1, (a, b) => a * b)];

    public static void Forward(Tensor x, Tensor y)
    {
        y.RequireShape("flatten output", OutputShape(x.Shape));
        x.CopyElementsTo(y);
    }

    public static void Backward(Tensor dy, Tensor dx)
    {
        dy.RequireShape("flatten output gradient", OutputShape(dx.Shape));
        dy.CopyElementsTo(dx);
    }
}
