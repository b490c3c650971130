using System.Runtime.Intrinsics;
using DeepVis.Kernels.Cpu;
using Tensor = DeepVis.Kernels.Runtime.Tensor;

namespace DeepVis.Ops;

/// <summary>HardSwish on the cpu device: Vector256 compares and selects, so NaN passes as in the ILGPU kernels.</summary>
public static partial class HardSwish
{
    private static void CpuForward(Tensor x, Tensor y) =>
        CpuParallel.ForRange(x.Device, x.Length, (start, length) =>
        {
            var xs = x.Span.Slice(start, length);
            var ys = y.Span.Slice(start, length);
            var (three, six) = (Vector256.Create(3f), Vector256.Create(6f));
            var i = 0;
            for (; i + Vector256<float>.Count <= length; i += Vector256<float>.Count)
            {
                var v = Vector256.Create(xs.Slice(i));
                var gate = v + three;
                gate = Vector256.ConditionalSelect(Vector256.LessThan(gate, Vector256<float>.Zero), Vector256<float>.Zero, gate);
                gate = Vector256.ConditionalSelect(Vector256.GreaterThan(gate, six), six, gate);
                (v * gate / six).CopyTo(ys.Slice(i));
            }
            for (; i < length; i++)
            {
                var v = xs[i];
                var gate = v + 3f;
                gate = gate < 0f ? 0f : gate > 6f ? 6f : gate;
                ys[i] = v * gate / 6f;
            }
        });

    private static void CpuBackward(Tensor x, Tensor dy, Tensor dx) =>
        CpuParallel.ForRange(x.Device, x.Length, (start, length) =>
        {
            var xs = x.Span.Slice(start, length);
            var dys = dy.Span.Slice(start, length);
            var dxs = dx.Span.Slice(start, length);
            var (three, half) = (Vector256.Create(3f), Vector256.Create(0.5f));
            var i = 0;
            for (; i + Vector256<float>.Count <= length; i += Vector256<float>.Count)
            {
                var v = Vector256.Create(xs.Slice(i));
                var g = Vector256.Create(dys.Slice(i));
                var ramp = Vector256.ConditionalSelect(Vector256.LessThanOrEqual(v, three), g * (v / three + half), g);
                Vector256.ConditionalSelect(Vector256.LessThan(v, -three), Vector256<float>.Zero, ramp).CopyTo(dxs.Slice(i));
            }
            for (; i < length; i++)
            {
                var v = xs[i];
                dxs[i] = v < -3f ? 0f : v <= 3f ? dys[i] * (v / 3f + 0.5f) : dys[i];
            }
        });
}
