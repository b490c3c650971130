using System.Numerics.Tensors;
using DeepVis.Kernels.Cpu;
using Tensor = DeepVis.Kernels.Runtime.Tensor;

namespace DeepVis.Kernels.Image;

/// <summary>Sigmoid on the cpu device.</summary>
public static partial class Sigmoid
{
    private static void CpuForward(Tensor x, Tensor y) =>
        CpuParallel.ForRange(x.Device, x.Length, (start, length) =>
            TensorPrimitives.Sigmoid(x.Span.Slice(start, length), y.Span.Slice(start, length)));

    private static void CpuBackward(Tensor y, Tensor dy, Tensor dx) =>
        CpuParallel.ForRange(y.Device, y.Length, (start, length) =>
        {
            var ys = y.Span.Slice(start, length);
            var dys = dy.Span.Slice(start, length);
            var dxs = dx.Span.Slice(start, length);
            for (var i = 0; i < length; i++) dxs[i] = dys[i] * ys[i] * (1f - ys[i]);
        });
}
