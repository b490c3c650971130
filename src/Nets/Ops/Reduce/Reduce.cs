using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Runtime;

namespace DeepVis.Ops;

/// <summary>The reductions of <see cref="Reduce"/> (ONNX ReduceMean and ReduceMax).</summary>
public enum ReduceKind
{
    /// <summary>The mean over the reduced axes.</summary>
    Mean,

    /// <summary>The maximum over the reduced axes.</summary>
    Max,
}

/// <summary>
/// The mean or maximum over some axes of a tensor of up to four (MNASNet's x.mean([2, 3]), a
/// squeeze-excitation pool, a max over channels). The output keeps the reduced axes with extent 1
/// (its memory is the same with them dropped). Backward, as PyTorch: the mean sends dy / count to every
/// element; the maximum splits dy evenly among the elements equal to it (amax's rule).
/// </summary>
public static partial class Reduce
{
    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, Broadcast, int, ArrayView<float>, ArrayView<float>> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, Broadcast, int, ArrayView<float>, ArrayView<float>>(ForwardKernel);

        public readonly Action<Index1D, Broadcast, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> Backward =
            a.LoadAutoGroupedStreamKernel<Index1D, Broadcast, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(BackwardKernel);
    }

    /// <summary>The shape of the reduction of <paramref name="shape"/> over <paramref name="axes"/>, keeping them with extent 1.</summary>
    public static int[] Kept(IReadOnlyList<int> shape, IReadOnlyCollection<int> axes) => [.. shape.Select((d, k) => axes.Contains(k) ? 1 : d)];

    /// <summary>y = the reduction of x over <paramref name="axes"/> (0-based, of x's rank up to 4); y has x's shape with those axes 1, or dropped.</summary>
    public static void Forward(ReduceKind kind, Tensor x, IReadOnlyCollection<int> axes, Tensor y)
    {
        var kept = Check(x, axes, y, "output");
        var plan = Broadcast.Of(kept, x.Shape, x.Shape);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Forward(y.Length, plan, (int)kind, x.View, y.View);
        else CpuForward(kind, plan, x, y);
    }

    /// <summary>dx from dy (y's shape) and, for the maximum, x and y of the forward; <paramref name="dx"/> is none of them.</summary>
    public static void Backward(ReduceKind kind, Tensor x, IReadOnlyCollection<int> axes, Tensor y, Tensor dy, Tensor dx)
    {
        var kept = Check(x, axes, y, "output");
        Check(x, axes, dy, "output gradient");
        dx.RequireShape("reduce input gradient", [.. x.Shape]);
        var plan = Broadcast.Of(x.Shape, kept, x.Shape);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Backward(x.Length, plan, (int)kind, x.View, y.View, dy.View, dx.View);
        else CpuBackward(kind, plan, x, y, dy, dx);
    }

    private static int[] Check(Tensor x, IReadOnlyCollection<int> axes, Tensor y, string what)
    {
        if (x.Rank > Broadcast.MaxRank || axes.Count == 0 || axes.Any(a => a < 0 || a >= x.Rank))
            throw new ShapeException($"reduce: axes [{string.Join(", ", axes)}] of {x.ShapeText}; expected at least one axis from 0 to {x.Rank - 1} of at most {Broadcast.MaxRank}");
        var kept = Kept(x.Shape, axes);
        if (!y.HasShape(kept) && !y.HasShape([.. x.Shape.Where((_, k) => !axes.Contains(k))]))
            throw new ShapeException($"reduce {what}: shape {y.ShapeText}, expected {Tensor.Format(kept)} or the same without the reduced axes");
        return kept;
    }

    /// <summary>One output element (operand A of the plan, B the input): the mean or maximum of its group.</summary>
    private static void ForwardKernel(Index1D j, Broadcast p, int kind, ArrayView<float> x, ArrayView<float> y)
    {
        int t1 = p.A1 == 0 ? 1 : p.D1, t2 = p.A2 == 0 ? 1 : p.D2, t3 = p.A3 == 0 ? 1 : p.D3;
        int c3 = j % t3, r = j / t3;
        int c2 = r % t2;
        r /= t2;
        int c1 = r % t1, c0 = r / t1;
        int lo0 = p.A0 == 0 ? 0 : c0, hi0 = p.A0 == 0 ? p.D0 : c0 + 1;
        int lo1 = p.A1 == 0 ? 0 : c1, hi1 = p.A1 == 0 ? p.D1 : c1 + 1;
        int lo2 = p.A2 == 0 ? 0 : c2, hi2 = p.A2 == 0 ? p.D2 : c2 + 1;
        int lo3 = p.A3 == 0 ? 0 : c3, hi3 = p.A3 == 0 ? p.D3 : c3 + 1;
        var result = kind == (int)ReduceKind.Mean ? 0f : float.NegativeInfinity;
        for (var o0 = lo0; o0 < hi0; o0++)
            for (var o1 = lo1; o1 < hi1; o1++)
                for (var o2 = lo2; o2 < hi2; o2++)
                    for (var o3 = lo3; o3 < hi3; o3++)
                    {
                        var v = x[((o0 * p.D1 + o1) * p.D2 + o2) * p.D3 + o3];
                        result = kind == (int)ReduceKind.Mean ? result + v : Combine(result, v);
                    }
        y[j] = kind == (int)ReduceKind.Mean ? result / ((hi0 - lo0) * (hi1 - lo1) * (hi2 - lo2) * (hi3 - lo3)) : result;
    }

    /// <summary>The larger of the two, NaN where either is (torch's amax).</summary>
    private static float Combine(float m, float v) => float.IsNaN(m) ? m : v > m || float.IsNaN(v) ? v : m;

    /// <summary>One input element (operand A of the plan, B the reduced output).</summary>
    private static void BackwardKernel(Index1D i, Broadcast p, int kind, ArrayView<float> x, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx)
    {
        int c3 = i % p.D3, r = i / p.D3;
        int c2 = r % p.D2;
        r /= p.D2;
        int c1 = r % p.D1, c0 = r / p.D1;
        var o = c0 * p.B0 + c1 * p.B1 + c2 * p.B2 + c3 * p.B3;
        int lo0 = p.B0 == 0 ? 0 : c0, hi0 = p.B0 == 0 ? p.D0 : c0 + 1;
        int lo1 = p.B1 == 0 ? 0 : c1, hi1 = p.B1 == 0 ? p.D1 : c1 + 1;
        int lo2 = p.B2 == 0 ? 0 : c2, hi2 = p.B2 == 0 ? p.D2 : c2 + 1;
        int lo3 = p.B3 == 0 ? 0 : c3, hi3 = p.B3 == 0 ? p.D3 : c3 + 1;
        var count = (hi0 - lo0) * (hi1 - lo1) * (hi2 - lo2) * (hi3 - lo3);
        if (kind == (int)ReduceKind.Mean)
        {
            dx[i] = dy[o] / count;
            return;
        }
        var m = y[o];
        if (!Same(x[i], m))
        {
            dx[i] = 0f;
            return;
        }
        var ties = 0;
        for (var o0 = lo0; o0 < hi0; o0++)
            for (var o1 = lo1; o1 < hi1; o1++)
                for (var o2 = lo2; o2 < hi2; o2++)
                    for (var o3 = lo3; o3 < hi3; o3++)
                        if (Same(x[((o0 * p.D1 + o1) * p.D2 + o2) * p.D3 + o3], m)) ties++;
        dx[i] = dy[o] / ties;
    }

    /// <summary>Equal, or both NaN (a NaN maximum is the NaN elements').</summary>
    private static bool Same(float v, float m) => v == m || (float.IsNaN(v) && float.IsNaN(m));
}
