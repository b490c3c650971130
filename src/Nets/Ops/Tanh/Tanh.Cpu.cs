using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using DeepVis.Kernels.Cpu;
using Tensor = DeepVis.Kernels.Runtime.Tensor;

namespace DeepVis.Ops;

/// <summary>Tanh on the cpu device: TensorPrimitives' vectorized tanh forward, Vector256 backward.</summary>
public static partial class Tanh
{
    private static void CpuForward(Tensor x, Tensor y) =>
        CpuParallel.ForRange(x.Device, x.Length, (start, length) =>
            TensorPrimitives.Tanh(x.Span.Slice(start, length), y.Span.Slice(start, length)));

    private static void CpuBackward(Tensor y, Tensor dy, Tensor dx) =>
        CpuParallel.ForRange(y.Device, y.Length, (start, length) =>
        {
            var ys = y.Span.Slice(start, length);
            var dys = dy.Span.Slice(start, length);
            var dxs = dx.Span.Slice(start, length);
            var i = 0;
            for (; i + Vector256<float>.Count <= length; i += Vector256<float>.Count)
            {
                var v = Vector256.Create(ys.Slice(i));
                (Vector256.Create(dys.Slice(i)) * (Vector256<float>.One - v * v)).CopyTo(dxs.Slice(i));
            }
            for (; i < length; i++) dxs[i] = dys[i] * (1f - ys[i] * ys[i]);
        });
}
