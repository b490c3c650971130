using System.Numerics.Tensors;
using Tensor = DeepVis.Kernels.Runtime.Tensor;
using System.Runtime.Intrinsics;
using DeepVis.Kernels.Cpu;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Ops;

/// <summary>ReLU on the cpu device.</summary>
public static partial class Relu
{
    private static void CpuForward(Tensor x, Tensor y) =>
        CpuParallel.ForRange(x.Device, x.Length, (start, length) =>
            TensorPrimitives.Max(x.Span.Slice(start, length), 0f, y.Span.Slice(start, length)));

    private static void CpuBackward(Tensor x, Tensor dy, Tensor dx, ReluGradient mode)
    {
        if (mode == ReluGradient.PassThrough)
        {
            dy.CopyTo(dx);
            return;
        }
        CpuParallel.ForRange(x.Device, x.Length, (start, length) =>
        {
            var xs = x.Span.Slice(start, length);
            var dys = dy.Span.Slice(start, length);
            var dxs = dx.Span.Slice(start, length);
            var i = 0;
            for (; i + Vector256<float>.Count <= length; i += Vector256<float>.Count)
            {
                var positive = Vector256.GreaterThan(Vector256.Create(xs.Slice(i)), Vector256<float>.Zero);
                (Vector256.Create(dys.Slice(i)) & positive).CopyTo(dxs.Slice(i));
            }
            for (; i < length; i++) dxs[i] = xs[i] > 0f ? dys[i] : 0f;
        });
    }

    /// <summary>One batch item per work item: the vanishing test, then the choice per element.</summary>
    private static void CpuRedirected(Tensor x, Tensor dy, Tensor dx) =>
        CpuParallel.For(x.Device, x.N, 2L * x.ItemLength, n =>
        {
            var xs = x.Span.Slice(n * x.ItemLength, x.ItemLength);
            var dys = dy.Span.Slice(n * x.ItemLength, x.ItemLength);
            var dxs = dx.Span.Slice(n * x.ItemLength, x.ItemLength);
            var vanished = true;
            for (var i = 0; i < xs.Length && vanished; i++) vanished = !(xs[i] > 0f && dys[i] != 0f);
            for (var i = 0; i < xs.Length; i++) dxs[i] = Redirect(xs[i], dys[i], vanished);
        });
}
