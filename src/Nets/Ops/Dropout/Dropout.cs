using DeepVis.Kernels.Runtime;

namespace DeepVis.Ops;

/// <summary>
/// Dropout at inference: the identity. Visualizations run networks in eval mode, where PyTorch's
/// dropout passes values (and gradients) through unchanged.
/// </summary>
public static class Dropout
{
    public static void Forward(Tensor x, Tensor y)
    {
        y.RequireShape("dropout output", [.. x.Shape]);
        x.CopyTo(y);
    }

    public static void Backward(Tensor dy, Tensor dx)
    {
        dx.RequireShape("dropout input gradient", [.. dy.Shape]);
        dy.CopyTo(dx);
    }
}
