using System.Numerics.Tensors;
using Tensor = DeepVis.Kernels.Runtime.Tensor;
using DeepVis.Kernels.Cpu;
using DeepVis.Kernels.Update;

namespace DeepVis.Kernels.Image;

/// <summary>The L2 penalty and decay on the cpu device.</summary>
public static partial class L2Penalty
{
    private static void CpuValue(Tensor stats, float lambda, Tensor value)
    {
        var s = stats.Span;
        var v = value.Span;
        for (var n = 0; n < value.Length; n++) v[n] = lambda * s[n * ImageStats.Count + ImageStats.SumOfSquares];
    }

    private static void CpuAddGradient(Tensor x, Tensor grad, float twoLambda) => Arithmetic.CpuAxpy(twoLambda, x, grad);

    private static void CpuScale(Tensor x, float scale) =>
        CpuParallel.ForRange(x.Device, x.Length, (start, length) =>
        {
            var xs = x.Span.Slice(start, length);
            TensorPrimitives.Multiply(xs, scale, xs);
        });
}
