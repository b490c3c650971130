using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace DeepVis.Ops;

/// <summary>
/// Softmax over the feature axis of an [N, F] tensor, or over any axis but the batch of a tensor of any
/// rank (ONNX's Softmax from opset 13), or over everything from an axis on (opset 1-12, which coerce the
/// input to 2-D there), with the maximum subtracted before the exponential. Forward, and
/// backward-to-input from the forward output; one thread per reduced line, whose elements lie
/// <c>inner</c> apart.
/// </summary>
public static partial class Softmax
{
    internal sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int, int, int> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int>(ForwardKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int> Backward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(BackwardKernel);
    }

    /// <summary>y[n, f] = exp(x[n, f] - max) / sum over f' of exp(x[n, f'] - max); <paramref name="y"/> may be <paramref name="x"/>.</summary>
    public static void Forward(Tensor x, Tensor y) => Launch(x, y, "softmax", log: false);

    /// <summary>dx = y * (dy - sum over the row of dy * y), from the forward output <paramref name="y"/>.</summary>
    public static void Backward(Tensor y, Tensor dy, Tensor dx) => LaunchBackward(y, dy, dx, "softmax", log: false);

    /// <summary>
    /// Softmax of <paramref name="x"/> (any rank from 2) along <paramref name="axis"/> (1 to rank - 1: the
    /// batch is never mixed), or with <paramref name="coerced"/> over everything from the axis on.
    /// </summary>
    public static void Forward(Tensor x, Tensor y, int axis, bool coerced) => Launch(x, y, "softmax", log: false, axis, coerced);

    /// <summary>The gradient of <see cref="Forward(Tensor, Tensor, int, bool)"/>, from its output <paramref name="y"/>.</summary>
    public static void Backward(Tensor y, Tensor dy, Tensor dx, int axis, bool coerced) => LaunchBackward(y, dy, dx, "softmax", log: false, axis, coerced);

    /// <summary>
    /// The reduced lines of a tensor of <paramref name="shape"/>: <c>Outer</c> blocks, each <c>Length</c>
    /// elements long along the axis, its elements <c>Inner</c> apart (and <c>Inner</c> lines per block).
    /// </summary>
    public static (int Outer, int Length, int Inner) Layout(IReadOnlyList<int> shape, int axis, bool coerced, string what)
    {
        if (axis < 1 || axis >= shape.Count)
            throw new ShapeException($"{what}: axis {axis} of a tensor of shape {Tensor.Format(shape)}; expected 1 to {shape.Count - 1} (axis 0 is the batch)");
        int Product(IEnumerable<int> dims) => dims.Aggregate(1, (a, b) => a * b);
        var outer = Product(shape.Take(axis));
        return coerced ? (outer, Product(shape.Skip(axis)), 1) : (outer, shape[axis], Product(shape.Skip(axis + 1)));
    }

    internal static void Launch(Tensor x, Tensor y, string what, bool log, int? axis = null, bool coerced = false)
    {
        if (axis is null) x.RequireRank($"{what} input", 2);
        y.RequireShape($"{what} output", [.. x.Shape]);
        var (outer, length, inner) = Layout(x.Shape, axis ?? 1, coerced, what);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Forward(outer * inner, x.View, y.View, length, inner, log ? 1 : 0);
        else CpuForward(x, y, outer, length, inner, log);
    }

    internal static void LaunchBackward(Tensor y, Tensor dy, Tensor dx, string what, bool log, int? axis = null, bool coerced = false)
    {
        if (axis is null) y.RequireRank($"{what} output", 2);
        dy.RequireShape($"{what} output gradient", [.. y.Shape]);
        dx.RequireShape($"{what} input gradient", [.. y.Shape]);
        var (outer, length, inner) = Layout(y.Shape, axis ?? 1, coerced, what);
        if (y.Device.Ilgpu<Loaded>() is { } kernels) kernels.Backward(outer * inner, y.View, dy.View, dx.View, length, inner, log ? 1 : 0);
        else CpuBackward(y, dy, dx, outer, length, inner, log);
    }

    private static void ForwardKernel(Index1D line, ArrayView<float> x, ArrayView<float> y, int length, int inner, int log)
    {
        int start = line / inner * length * inner + line % inner;
        var end = start + length * inner;
        var max = float.NegativeInfinity;
        for (var f = start; f < end; f += inner) max = XMath.Max(max, x[f]);
        var sum = 0f;
        for (var f = start; f < end; f += inner) sum += XMath.Exp(x[f] - max);
        if (log != 0)
        {
            var shift = max + XMath.Log(sum);
            for (var f = start; f < end; f += inner) y[f] = x[f] - shift;
        }
        else
        {
            var scale = 1f / sum;
            for (var f = start; f < end; f += inner) y[f] = XMath.Exp(x[f] - max) * scale;
        }
    }

    private static void BackwardKernel(Index1D line, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, int length, int inner, int log)
    {
        int start = line / inner * length * inner + line % inner;
        var end = start + length * inner;
        var dot = 0f;
        if (log != 0)
        {
            // y = log softmax: dx = dy - softmax * sum(dy).
            for (var f = start; f < end; f += inner) dot += dy[f];
            for (var f = start; f < end; f += inner) dx[f] = dy[f] - XMath.Exp(y[f]) * dot;
        }
        else
        {
            for (var f = start; f < end; f += inner) dot += dy[f] * y[f];
            for (var f = start; f < end; f += inner) dx[f] = y[f] * (dy[f] - dot);
        }
    }
}

/// <summary>
/// Log-softmax over the feature axis of an [N, F] tensor, or along an axis (<see cref="Softmax"/>):
/// x - max - log(sum of exp(x - max)). Forward, and backward-to-input from the forward output.
/// </summary>
public static class LogSoftmax
{
    /// <summary>y[n, f] = x[n, f] - max - log(sum over f' of exp(x[n, f'] - max)); <paramref name="y"/> may be <paramref name="x"/>.</summary>
    public static void Forward(Tensor x, Tensor y) => Softmax.Launch(x, y, "log-softmax", log: true);

    /// <summary>dx = dy - exp(y) * sum over the row of dy, from the forward output <paramref name="y"/>.</summary>
    public static void Backward(Tensor y, Tensor dy, Tensor dx) => Softmax.LaunchBackward(y, dy, dx, "log-softmax", log: true);

    /// <summary>Log-softmax along <paramref name="axis"/> (see <see cref="Softmax.Forward(Tensor, Tensor, int, bool)"/>).</summary>
    public static void Forward(Tensor x, Tensor y, int axis, bool coerced) => Softmax.Launch(x, y, "log-softmax", log: true, axis, coerced);

    /// <summary>The gradient of <see cref="Forward(Tensor, Tensor, int, bool)"/>, from its output <paramref name="y"/>.</summary>
    public static void Backward(Tensor y, Tensor dy, Tensor dx, int axis, bool coerced) =>
        Softmax.LaunchBackward(y, dy, dx, "log-softmax", log: true, axis, coerced);
}
