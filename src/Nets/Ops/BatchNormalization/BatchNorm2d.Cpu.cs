using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using DeepVis.Kernels.Cpu;
using Tensor = DeepVis.Kernels.Runtime.Tensor;

namespace DeepVis.Ops;

/// <summary>Batch norm on the cpu device: element-wise over chunks cut at plane ends, one channel's factors per piece.</summary>
public static partial class BatchNorm2d
{
    private static void CpuForward(Tensor x, Tensor scale, Tensor shift, Tensor y)
    {
        var channels = x.C;
        CpuParallel.ForSegments(x.Device, x.Length, x.H * x.W, (p, start, length) =>
        {
            var c = p % channels;
            var (s, b) = (scale.Span[c], shift.Span[c]);
            var xs = x.Span.Slice(start, length);
            var ys = y.Span.Slice(start, length);
            var (vs, vb) = (Vector256.Create(s), Vector256.Create(b));
            var i = 0;
            for (; i + Vector256<float>.Count <= length; i += Vector256<float>.Count)
                (Vector256.Create(xs.Slice(i)) * vs + vb).CopyTo(ys.Slice(i));
            for (; i < length; i++) ys[i] = xs[i] * s + b;
        });
    }

    private static void CpuBackwardInput(Tensor dy, Tensor scale, Tensor dx)
    {
        var channels = dy.C;
        CpuParallel.ForSegments(dy.Device, dy.Length, dy.H * dy.W, (p, start, length) =>
            TensorPrimitives.Multiply(dy.Span.Slice(start, length), scale.Span[p % channels], dx.Span.Slice(start, length)));
    }
}
