using System.Runtime.Intrinsics;
using DeepVis.Kernels.Cpu;
using Tensor = DeepVis.Kernels.Runtime.Tensor;

namespace DeepVis.Ops;

/// <summary>HardSigmoid on the cpu device: Vector256 compares and selects, so NaN passes as in the ILGPU kernels.</summary>
public static partial class HardSigmoid
{
    private static void CpuForward(Tensor x, Tensor y, float alpha, float beta) =>
        CpuParallel.ForRange(x.Device, x.Length, (start, length) =>
        {
            var xs = x.Span.Slice(start, length);
            var ys = y.Span.Slice(start, length);
            var (a, b, one) = (Vector256.Create(alpha), Vector256.Create(beta), Vector256.Create(1f));
            var i = 0;
            for (; i + Vector256<float>.Count <= length; i += Vector256<float>.Count)
            {
                var z = a * Vector256.Create(xs.Slice(i)) + b;
                z = Vector256.ConditionalSelect(Vector256.LessThan(z, Vector256<float>.Zero), Vector256<float>.Zero, z);
                Vector256.ConditionalSelect(Vector256.GreaterThan(z, one), one, z).CopyTo(ys.Slice(i));
            }
            for (; i < length; i++)
            {
                var z = alpha * xs[i] + beta;
                ys[i] = z < 0f ? 0f : z > 1f ? 1f : z;
            }
        });

    private static void CpuBackward(Tensor x, Tensor dy, Tensor dx, float alpha, float beta) =>
        CpuParallel.ForRange(x.Device, x.Length, (start, length) =>
        {
            var xs = x.Span.Slice(start, length);
            var dys = dy.Span.Slice(start, length);
            var dxs = dx.Span.Slice(start, length);
            var (a, b, one) = (Vector256.Create(alpha), Vector256.Create(beta), Vector256.Create(1f));
            var i = 0;
            for (; i + Vector256<float>.Count <= length; i += Vector256<float>.Count)
            {
                var z = a * Vector256.Create(xs.Slice(i)) + b;
                var inside = Vector256.GreaterThan(z, Vector256<float>.Zero) & Vector256.LessThan(z, one);
                (a * Vector256.Create(dys.Slice(i)) & inside).CopyTo(dxs.Slice(i));
            }
            for (; i < length; i++)
            {
                var z = alpha * xs[i] + beta;
                dxs[i] = z > 0f && z < 1f ? alpha * dys[i] : 0f;
            }
        });
}
