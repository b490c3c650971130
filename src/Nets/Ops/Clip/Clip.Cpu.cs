using System.Runtime.Intrinsics;
using DeepVis.Kernels.Cpu;
using Tensor = DeepVis.Kernels.Runtime.Tensor;

namespace DeepVis.Ops;

/// <summary>Clip on the cpu device: Vector256 compares and selects, so NaN passes as in the ILGPU kernels.</summary>
public static partial class Clip
{
    private static void CpuForward(Tensor x, Tensor y, float min, float max) =>
        CpuParallel.ForRange(x.Device, x.Length, (start, length) =>
        {
            var xs = x.Span.Slice(start, length);
            var ys = y.Span.Slice(start, length);
            var (low, high) = (Vector256.Create(min), Vector256.Create(max));
            var i = 0;
            for (; i + Vector256<float>.Count <= length; i += Vector256<float>.Count)
            {
                var v = Vector256.Create(xs.Slice(i));
                v = Vector256.ConditionalSelect(Vector256.LessThan(v, low), low, v);
                Vector256.ConditionalSelect(Vector256.GreaterThan(v, high), high, v).CopyTo(ys.Slice(i));
            }
            for (; i < length; i++)
            {
                var v = xs[i];
                ys[i] = v < min ? min : v > max ? max : v;
            }
        });

    private static void CpuBackwardInput(Tensor x, Tensor dy, Tensor dx, float min, float max, ReluGradient mode)
    {
        if (mode == ReluGradient.PassThrough)
        {
            if (!ReferenceEquals(dy, dx)) dy.CopyTo(dx);
            return;
        }
        CpuParallel.ForRange(x.Device, x.Length, (start, length) =>
        {
            var xs = x.Span.Slice(start, length);
            var dys = dy.Span.Slice(start, length);
            var dxs = dx.Span.Slice(start, length);
            var (low, high) = (Vector256.Create(min), Vector256.Create(max));
            var i = 0;
            for (; i + Vector256<float>.Count <= length; i += Vector256<float>.Count)
            {
                var v = Vector256.Create(xs.Slice(i));
                var blocked = Vector256.LessThanOrEqual(v, low) | Vector256.GreaterThanOrEqual(v, high);
                Vector256.AndNot(Vector256.Create(dys.Slice(i)), blocked).CopyTo(dxs.Slice(i));
            }
            for (; i < length; i++)
            {
                var v = xs[i];
                dxs[i] = v <= min || v >= max ? 0f : dys[i];
            }
        });
    }
}
