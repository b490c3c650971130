using System.Numerics.Tensors;
using DeepVis.Kernels.Cpu;
using Tensor = DeepVis.Kernels.Runtime.Tensor;

namespace DeepVis.Ops;

/// <summary>
/// Reductions on the cpu device. Where the reduced axes are the trailing ones (a global pool over H and
/// W) each group is one contiguous run through TensorPrimitives; otherwise the kernels' loops.
/// </summary>
public static partial class Reduce
{
    private const int Block = 256;

    /// <summary>The number of elements of a group when the reduced axes are trailing (the plan's reduced operand has zero strides exactly there), else 0.</summary>
    private static int ContiguousGroup(int s0, int s1, int s2, int s3, Broadcast p)
    {
        int[] strides = [s0, s1, s2, s3], dims = [p.D0, p.D1, p.D2, p.D3];
        var k = 3;
        var group = 1;
        for (; k >= 0 && strides[k] == 0; k--) group *= dims[k];
        for (; k >= 0; k--) if (strides[k] == 0 && dims[k] != 1) return 0;
        return group;
    }

    private static void CpuForward(ReduceKind kind, Broadcast p, Tensor x, Tensor y)
    {
        var group = ContiguousGroup(p.A0, p.A1, p.A2, p.A3, p);
        if (group > 0)
        {
            CpuParallel.For(x.Device, y.Length, group, j =>
            {
                var run = x.Span.Slice(j * group, group);
                y.Span[j] = kind == ReduceKind.Mean ? TensorPrimitives.Sum<float>(run) / group : TensorPrimitives.Max<float>(run);
            });
            return;
        }
        CpuParallel.For(x.Device, (y.Length + Block - 1) / Block, (long)Block * (x.Length / y.Length), k =>
        {
            var xs = x.Span;
            var ys = y.Span;
            for (var j = k * Block; j < Math.Min(y.Length, (k + 1) * Block); j++)
            {
                int t1 = p.A1 == 0 ? 1 : p.D1, t2 = p.A2 == 0 ? 1 : p.D2, t3 = p.A3 == 0 ? 1 : p.D3;
                int c3 = j % t3, c2 = j / t3 % t2, c1 = j / t3 / t2 % t1, c0 = j / t3 / t2 / t1;
                int lo0 = p.A0 == 0 ? 0 : c0, hi0 = p.A0 == 0 ? p.D0 : c0 + 1;
                int lo1 = p.A1 == 0 ? 0 : c1, hi1 = p.A1 == 0 ? p.D1 : c1 + 1;
                int lo2 = p.A2 == 0 ? 0 : c2, hi2 = p.A2 == 0 ? p.D2 : c2 + 1;
                int lo3 = p.A3 == 0 ? 0 : c3, hi3 = p.A3 == 0 ? p.D3 : c3 + 1;
                var result = kind == ReduceKind.Mean ? 0f : float.NegativeInfinity;
                for (var o0 = lo0; o0 < hi0; o0++)
                    for (var o1 = lo1; o1 < hi1; o1++)
                        for (var o2 = lo2; o2 < hi2; o2++)
                            for (var o3 = lo3; o3 < hi3; o3++)
                            {
                                var v = xs[((o0 * p.D1 + o1) * p.D2 + o2) * p.D3 + o3];
                                result = kind == ReduceKind.Mean ? result + v : Combine(result, v);
                            }
                ys[j] = kind == ReduceKind.Mean ? result / ((hi0 - lo0) * (hi1 - lo1) * (hi2 - lo2) * (hi3 - lo3)) : result;
            }
        });
    }

    private static void CpuBackward(ReduceKind kind, Broadcast p, Tensor x, Tensor y, Tensor dy, Tensor dx)
    {
        var group = ContiguousGroup(p.B0, p.B1, p.B2, p.B3, p);
        if (group > 0)
        {
            CpuParallel.For(x.Device, y.Length, group, j =>
            {
                var run = dx.Span.Slice(j * group, group);
                if (kind == ReduceKind.Mean)
                {
                    run.Fill(dy.Span[j] / group);
                    return;
                }
                var xs = x.Span.Slice(j * group, group);
                var m = y.Span[j];
                var ties = 0;
                foreach (var v in xs) if (Same(v, m)) ties++;
                for (var i = 0; i < group; i++) run[i] = Same(xs[i], m) ? dy.Span[j] / ties : 0f;
            });
            return;
        }
        CpuParallel.For(x.Device, (x.Length + Block - 1) / Block, (long)Block * (kind == ReduceKind.Mean ? 1 : x.Length / y.Length), k =>
        {
            for (var i = k * Block; i < Math.Min(x.Length, (k + 1) * Block); i++)
                dx.Span[i] = Gradient(kind, p, i, x.Span, y.Span, dy.Span);
        });
    }

    /// <summary>The backward kernel's value for input element i.</summary>
    private static float Gradient(ReduceKind kind, Broadcast p, int i, ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy)
    {
        int c3 = i % p.D3, c2 = i / p.D3 % p.D2, c1 = i / p.D3 / p.D2 % p.D1, c0 = i / p.D3 / p.D2 / p.D1;
        var o = c0 * p.B0 + c1 * p.B1 + c2 * p.B2 + c3 * p.B3;
        int lo0 = p.B0 == 0 ? 0 : c0, hi0 = p.B0 == 0 ? p.D0 : c0 + 1;
        int lo1 = p.B1 == 0 ? 0 : c1, hi1 = p.B1 == 0 ? p.D1 : c1 + 1;
        int lo2 = p.B2 == 0 ? 0 : c2, hi2 = p.B2 == 0 ? p.D2 : c2 + 1;
        int lo3 = p.B3 == 0 ? 0 : c3, hi3 = p.B3 == 0 ? p.D3 : c3 + 1;
        if (kind == ReduceKind.Mean) return dy[o] / ((hi0 - lo0) * (hi1 - lo1) * (hi2 - lo2) * (hi3 - lo3));
        var m = y[o];
        if (!Same(x[i], m)) return 0f;
        var ties = 0;
        for (var o0 = lo0; o0 < hi0; o0++)
            for (var o1 = lo1; o1 < hi1; o1++)
                for (var o2 = lo2; o2 < hi2; o2++)
                    for (var o3 = lo3; o3 < hi3; o3++)
                        if (Same(x[((o0 * p.D1 + o1) * p.D2 + o2) * p.D3 + o3], m)) ties++;
        return dy[o] / ties;
    }
}
