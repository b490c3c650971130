using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using DeepVis.Kernels.Cpu;
using Tensor = DeepVis.Kernels.Runtime.Tensor;

namespace DeepVis.Ops;

/// <summary>
/// Softmax and log-softmax on the cpu device: one row per work item, vectorized along the row, sums
/// in <see cref="CpuReduce"/>'s fixed order. Every pass reads an element before it writes it: y may be x.
/// </summary>
public static partial class Softmax
{
    private const int Lanes = CpuReduce.Lanes;

    private static void CpuForward(Tensor x, Tensor y, bool log)
    {
        var features = x.ItemLength;
        CpuParallel.For(x.Device, x.N, 4L * features, row =>
        {
            var xs = x.Span.Slice(row * features, features);
            var ys = y.Span.Slice(row * features, features);
            var max = TensorPrimitives.Max(xs);
            if (log)
            {
                TensorPrimitives.Subtract(xs, max + MathF.Log(SumExp(xs, max, [])), ys);
            }
            else
            {
                var scale = 1f / SumExp(xs, max, ys);
                TensorPrimitives.Multiply(ys, scale, ys);
            }
        });
    }

    private static void CpuBackward(Tensor y, Tensor dy, Tensor dx, bool log)
    {
        var features = y.ItemLength;
        CpuParallel.For(y.Device, y.N, 4L * features, row =>
        {
            var ys = y.Span.Slice(row * features, features);
            var dys = dy.Span.Slice(row * features, features);
            var dxs = dx.Span.Slice(row * features, features);
            var i = 0;
            if (log)
            {
                // y = log softmax: dx = dy - softmax * sum(dy).
                var sum = CpuReduce.Sum(dys);
                var vsum = Vector256.Create(sum);
                for (; i + Lanes <= features; i += Lanes)
                    (Vector256.Create(dys.Slice(i)) - Vector256.Exp(Vector256.Create(ys.Slice(i))) * vsum).CopyTo(dxs.Slice(i));
                for (; i < features; i++) dxs[i] = dys[i] - MathF.Exp(ys[i]) * sum;
            }
            else
            {
                var dot = CpuReduce.Dot(dys, ys);
                var vdot = Vector256.Create(dot);
                for (; i + Lanes <= features; i += Lanes)
                {
                    var yv = Vector256.Create(ys.Slice(i));
                    (yv * (Vector256.Create(dys.Slice(i)) - vdot)).CopyTo(dxs.Slice(i));
                }
                for (; i < features; i++) dxs[i] = ys[i] * (dys[i] - dot);
            }
        });
    }

    /// <summary>The sum of exp(x - max) over a row, also stored in <paramref name="exps"/> unless it is empty (it may be x).</summary>
    private static float SumExp(ReadOnlySpan<float> x, float max, Span<float> exps)
    {
        var store = !exps.IsEmpty;
        var (accumulator, shift) = (Vector256<float>.Zero, Vector256.Create(max));
        var i = 0;
        for (; i + Lanes <= x.Length; i += Lanes)
        {
            var e = Vector256.Exp(Vector256.Create(x.Slice(i)) - shift);
            if (store) e.CopyTo(exps.Slice(i));
            accumulator += e;
        }
        var sum = Vector256.Sum(accumulator);
        for (; i < x.Length; i++)
        {
            var e = MathF.Exp(x[i] - max);
            if (store) exps[i] = e;
            sum += e;
        }
        return sum;
    }
}
