using System.Runtime.Intrinsics;
using DeepVis.Kernels.Cpu;
using Tensor = DeepVis.Kernels.Runtime.Tensor;

namespace DeepVis.Kernels.Unary;

/// <summary>The element-wise functions on the cpu device: the function's span routine where it has one, else eight elements per step through its vector form, then its scalar form.</summary>
public static partial class UnaryKernels
{
    private static void CpuForward<TFunction>(TFunction function, Tensor x, Tensor y) where TFunction : struct, IUnaryFunction =>
        CpuParallel.ForRange(x.Device, x.Length, (start, length) =>
        {
            var xs = x.Span.Slice(start, length);
            var ys = y.Span.Slice(start, length);
            if (function.Forward(xs, ys)) return;
            var i = 0;
            for (; i + Vector256<float>.Count <= length; i += Vector256<float>.Count)
                function.Forward(Vector256.Create(xs.Slice(i))).CopyTo(ys.Slice(i));
            for (; i < length; i++) ys[i] = function.Forward(xs[i]);
        });

    private static void CpuBackward<TFunction>(TFunction function, Tensor value, Tensor dy, Tensor dx) where TFunction : struct, IUnaryFunction =>
        CpuParallel.ForRange(value.Device, value.Length, (start, length) =>
        {
            var vs = value.Span.Slice(start, length);
            var dys = dy.Span.Slice(start, length);
            var dxs = dx.Span.Slice(start, length);
            var i = 0;
            for (; i + Vector256<float>.Count <= length; i += Vector256<float>.Count)
                function.Backward(Vector256.Create(vs.Slice(i)), Vector256.Create(dys.Slice(i))).CopyTo(dxs.Slice(i));
            for (; i < length; i++) dxs[i] = function.Backward(vs[i], dys[i]);
        });
}
