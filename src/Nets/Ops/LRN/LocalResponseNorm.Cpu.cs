using System.Buffers;
using System.Numerics.Tensors;
using DeepVis.Kernels.Cpu;
using Tensor = DeepVis.Kernels.Runtime.Tensor;

namespace DeepVis.Ops;

/// <summary>
/// Local response normalization on the cpu device: one work item per batch item and run of
/// <see cref="PixelRun"/> pixels, vectorized along the pixels (contiguous within a channel).
/// </summary>
public static partial class LocalResponseNorm
{
    /// <summary>Pixels per work item.</summary>
    private const int PixelRun = 256;

    /// <summary>Scratch floats the backward takes from the stack; a window that needs more rents them.</summary>
    private const int StackScratch = 8192;

    private static void CpuForward(Tensor x, Tensor y, LrnGeometry g)
    {
        var runs = (g.Plane + PixelRun - 1) / PixelRun;
        CpuParallel.For(x.Device, x.N * runs, (long)g.C * Math.Min(g.Plane, PixelRun) * (g.Before + g.After + 4), i =>
        {
            var (item, length) = Run(i, runs, g);
            var xs = x.Span;
            var ys = y.Span;
            Span<float> d = stackalloc float[length];
            for (var c = 0; c < g.C; c++)
            {
                Denominators(xs, item, c, g, d);
                Power(d, -g.Beta, d);
                TensorPrimitives.Multiply(xs.Slice(item + c * g.Plane, length), d, ys.Slice(item + c * g.Plane, length));
            }
        });
    }

    /// <summary>
    /// Walks the channels once: step s computes channel s's D^-beta (kept in dx's row s) and
    /// t_s = dy_s * x_s * D_s^(-beta-1) (kept in a ring of one row per channel of a window), then
    /// finishes channel s - before, whose windows then all lie in the ring.
    /// </summary>
    private static void CpuBackward(Tensor x, Tensor dy, Tensor dx, LrnGeometry g)
    {
        var runs = (g.Plane + PixelRun - 1) / PixelRun;
        var ringRows = Math.Min(g.Before + g.After + 1, g.C);
        var cross = -2f * g.Beta * g.Scale;
        CpuParallel.For(x.Device, x.N * runs, (long)g.C * Math.Min(g.Plane, PixelRun) * 2 * (g.Before + g.After + 4), i =>
        {
            var (item, length) = Run(i, runs, g);
            var need = (ringRows + 1) * length;
            float[]? rented = null;
            var scratch = need <= StackScratch ? stackalloc float[need] : (rented = ArrayPool<float>.Shared.Rent(need)).AsSpan(0, need);
            var sum = scratch.Slice(ringRows * length, length);
            var xs = x.Span;
            var dys = dy.Span;
            var dxs = dx.Span;
            for (var s = 0; s < g.C + g.Before; s++)
            {
                if (s < g.C)
                {
                    var t = scratch.Slice(s % ringRows * length, length);
                    var power = dxs.Slice(item + s * g.Plane, length);
                    Denominators(xs, item, s, g, t);
                    Power(t, -g.Beta, power);
                    TensorPrimitives.Divide(power, t, t);
                    TensorPrimitives.Multiply(t, dys.Slice(item + s * g.Plane, length), t);
                    TensorPrimitives.Multiply(t, xs.Slice(item + s * g.Plane, length), t);
                }
                var j = s - g.Before;
                if (j < 0) continue;
                // Channel c's window holds j when c - before <= j <= c + after.
                var last = Math.Min(j + g.Before, g.C - 1);
                sum.Clear();
                for (var c = Math.Max(j - g.After, 0); c <= last; c++)
                    TensorPrimitives.Add(sum, scratch.Slice(c % ringRows * length, length), sum);
                var at = item + j * g.Plane;
                var dxj = dxs.Slice(at, length);
                TensorPrimitives.Multiply(sum, xs.Slice(at, length), sum);
                TensorPrimitives.Multiply(dxj, dys.Slice(at, length), dxj);
                TensorPrimitives.MultiplyAdd(sum, cross, dxj, dxj);
            }
            if (rented != null) ArrayPool<float>.Shared.Return(rented);
        });
    }

    /// <summary>destination = d^exponent, as exp(exponent * log d): vectorized, where TensorPrimitives.Pow is not.</summary>
    private static void Power(ReadOnlySpan<float> d, float exponent, Span<float> destination)
    {
        TensorPrimitives.Log(d, destination);
        TensorPrimitives.Multiply(destination, exponent, destination);
        TensorPrimitives.Exp(destination, destination);
    }

    /// <summary>Work item <paramref name="i"/>'s first element (channel 0 of its batch item and pixel run) and run length.</summary>
    private static (int Item, int Length) Run(int i, int runs, LrnGeometry g)
    {
        var (n, run) = Math.DivRem(i, runs);
        var start = run * PixelRun;
        return (n * g.C * g.Plane + start, Math.Min(PixelRun, g.Plane - start));
    }

    /// <summary>d = D_c over one pixel run (see <see cref="Denominator"/>); <paramref name="item"/> points at channel 0.</summary>
    private static void Denominators(ReadOnlySpan<float> x, int item, int c, LrnGeometry g, Span<float> d)
    {
        var last = Math.Min(c + g.After, g.C - 1);
        d.Clear();
        for (var k = Math.Max(c - g.Before, 0); k <= last; k++)
        {
            var row = x.Slice(item + k * g.Plane, d.Length);
            TensorPrimitives.MultiplyAdd(row, row, d, d);
        }
        TensorPrimitives.Multiply(d, g.Scale, d);
        TensorPrimitives.Add(d, g.K, d);
    }
}
