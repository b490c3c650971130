using System.Runtime.Intrinsics;
using DeepVis.Kernels.Cpu;
using Tensor = DeepVis.Kernels.Runtime.Tensor;

namespace DeepVis.Kernels.Unary;

/// <summary>The element-wise functions on the cpu device: eight elements per step through the function's vector form, then its scalar form.</summary>
public static partial class UnaryKernels
{
    private static void CpuForward<TFunction>(TFunction function, Tensor x, Tensor y) where TFunction : struct, IUnaryFunction =>
        CpuParallel.ForRange(x.Device, x.Length, (start, length) =>
        {
            var xs = x.Span.Slice(start, length);
            var ys = y.Span.Slice(start, length);
            var i = 0;
            for (; i + Vector256<float>.Count <= length; i += Vector256<float>.Count)
                function.Forward(Vector256.Create(xs.Slice(i))).CopyTo(ys.Slice(i));
            for (; i < length; i++) ys[i] = function.Forward(xs[i]);
        });

    private static void CpuBackward<TFunction>(TFunction function, Tensor x, Tensor y, Tensor dy, Tensor dx) where TFunction : struct, IUnaryFunction =>
        CpuParallel.ForRange(x.Device, x.Length, (start, length) =>
        {
            var xs = x.Span.Slice(start, length);
            var ys = y.Span.Slice(start, length);
            var dys = dy.Span.Slice(start, length);
            var dxs = dx.Span.Slice(start, length);
            var i = 0;
            for (; i + Vector256<float>.Count <= length; i += Vector256<float>.Count)
                function.Backward(Vector256.Create(xs.Slice(i)), Vector256.Create(ys.Slice(i)), Vector256.Create(dys.Slice(i))).CopyTo(dxs.Slice(i));
            for (; i < length; i++) dxs[i] = function.Backward(xs[i], ys[i], dys[i]);
        });
}
