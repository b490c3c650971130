using System.Runtime.Intrinsics;
using DeepVis.Kernels.Cpu;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Kernels.Update;

/// <summary>The Adam step on the cpu device: the same arithmetic, eight elements at a time.</summary>
public static partial class Adam
{
    private static void CpuApply(Tensor x, Tensor g, Tensor m, Tensor v, Step s) =>
        CpuParallel.ForRange(x.Device, x.Length, (start, length) =>
        {
            var xs = x.Span.Slice(start, length);
            var gs = g.Span.Slice(start, length);
            var ms = m.Span.Slice(start, length);
            var vs = v.Span.Slice(start, length);
            var (b1, b2) = (Vector256.Create(s.Beta1), Vector256.Create(s.Beta2));
            var (c1, c2) = (Vector256.Create(1 - s.Beta1), Vector256.Create(1 - s.Beta2));
            var (size, root, epsilon) = (Vector256.Create(s.StepSize), Vector256.Create(s.InverseRootCorrection), Vector256.Create(s.Epsilon));
            var i = 0;
            for (; i + Vector256<float>.Count <= length; i += Vector256<float>.Count)
            {
                var gradient = Vector256.Create(gs.Slice(i));
                var first = b1 * Vector256.Create(ms.Slice(i)) + c1 * gradient;
                var second = b2 * Vector256.Create(vs.Slice(i)) + c2 * gradient * gradient;
                first.CopyTo(ms.Slice(i));
                second.CopyTo(vs.Slice(i));
                (Vector256.Create(xs.Slice(i)) - size * first / (Vector256.Sqrt(second) * root + epsilon)).CopyTo(xs.Slice(i));
            }
            for (; i < length; i++)
            {
                var first = s.Beta1 * ms[i] + (1 - s.Beta1) * gs[i];
                var second = s.Beta2 * vs[i] + (1 - s.Beta2) * gs[i] * gs[i];
                (ms[i], vs[i]) = (first, second);
                xs[i] -= s.StepSize * first / (MathF.Sqrt(second) * s.InverseRootCorrection + s.Epsilon);
            }
        });
}
