using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace DeepVis.Ops;

/// <summary>
/// Layer normalization over a run of consecutive axes: y = (x - mean) / sqrt(var + eps) * weight + bias,
/// mean and (biased) variance over those axes at every position of the others. The input is read as
/// [outer, side, inner] with side the normalized axes' product: ConvNeXt's LayerNorm2d normalizes the
/// channels of NCHW (inner = H * W), nn.LayerNorm and ONNX LayerNormalization the last axes (inner = 1).
/// weight and bias hold one value per normalized element. One thread per position computes its
/// statistics in two passes (mean, then the centred sum of squares) and writes its run of y.
/// </summary>
public static partial class LayerNorm
{
    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Run> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Run>(ForwardKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Run> Backward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Run>(BackwardKernel);
    }

    /// <summary>The input read as [outer, side, inner]; side is normalized.</summary>
    internal struct Run
    {
        public int Side, Inner;
        public float Eps;
    }

    /// <summary>Why <paramref name="eps"/> cannot be a LayerNorm epsilon, or null.</summary>
    public static string? Problem(double eps) => eps is > 0 and <= 1 ? null : $"epsilon {eps:G} is outside (0, 1]";

    /// <summary>The normalized run's length: axes <paramref name="axis"/> to <paramref name="axis"/> + <paramref name="count"/> - 1 of <paramref name="shape"/>.</summary>
    public static int Side(IReadOnlyList<int> shape, int axis, int count)
    {
        if (axis < 1 || count < 1 || axis + count > shape.Count)
            throw new ShapeException($"layer norm of {Tensor.Format(shape)}: axes {axis} to {axis + count - 1} are not axes after the batch");
        return shape.Skip(axis).Take(count).Aggregate(1, (a, b) => a * b);
    }

    public static void Forward(Tensor x, Tensor weight, Tensor bias, Tensor y, int axis, int count, float eps)
    {
        var run = Check(x, weight, bias, y, axis, count, eps, "layer norm output");
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Forward(x.Length / run.Side, x.View, weight.View, bias.View, y.View, run);
        else CpuForward(x, weight, bias, y, run);
    }

    /// <summary>dx from dy: with g = dy * weight and xhat the normalized x, dx = (g - mean(g) - xhat * mean(g * xhat)) / sqrt(var + eps).</summary>
    public static void BackwardInput(Tensor x, Tensor weight, Tensor dy, Tensor dx, int axis, int count, float eps)
    {
        dy.RequireShape("layer norm output gradient", [.. x.Shape]);
        var run = Check(x, weight, null, dx, axis, count, eps, "layer norm input gradient");
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Backward(x.Length / run.Side, x.View, weight.View, dy.View, dx.View, run);
        else CpuBackward(x, weight, dy, dx, run);
    }

    private static Run Check(Tensor x, Tensor weight, Tensor? bias, Tensor y, int axis, int count, float eps, string what)
    {
        var side = Side(x.Shape, axis, count);
        if (Problem(eps) is { } problem) throw new ArgumentOutOfRangeException(nameof(eps), problem);
        weight.RequireShape("layer norm weight", side);
        bias?.RequireShape("layer norm bias", side);
        y.RequireShape(what, [.. x.Shape]);
        return new Run { Side = side, Inner = x.Shape.Skip(axis + count).Aggregate(1, (a, b) => a * b), Eps = eps };
    }

    /// <summary>Mean and 1 / sqrt(var + eps) of the run from <paramref name="start"/>, inner apart (two passes).</summary>
    private static (float Mean, float Rstd) Statistics(ArrayView<float> x, int start, Run r)
    {
        var sum = 0f;
        for (var d = 0; d < r.Side; d++) sum += x[start + d * r.Inner];
        var mean = sum / r.Side;
        var squares = 0f;
        for (var d = 0; d < r.Side; d++)
        {
            var centred = x[start + d * r.Inner] - mean;
            squares += centred * centred;
        }
        return (mean, XMath.Rsqrt(squares / r.Side + r.Eps));
    }

    private static int Start(int p, Run r) => p / r.Inner * r.Side * r.Inner + p % r.Inner;

    private static void ForwardKernel(Index1D index, ArrayView<float> x, ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> y, Run r)
    {
        var start = Start(index, r);
        var (mean, rstd) = Statistics(x, start, r);
        for (var d = 0; d < r.Side; d++)
        {
            var i = start + d * r.Inner;
            y[i] = (x[i] - mean) * rstd * weight[d] + bias[d];
        }
    }

    private static void BackwardKernel(Index1D index, ArrayView<float> x, ArrayView<float> weight, ArrayView<float> dy, ArrayView<float> dx, Run r)
    {
        var start = Start(index, r);
        var (mean, rstd) = Statistics(x, start, r);
        float sumG = 0f, sumGx = 0f;
        for (var d = 0; d < r.Side; d++)
        {
            var i = start + d * r.Inner;
            var g = dy[i] * weight[d];
            sumG += g;
            sumGx += g * (x[i] - mean) * rstd;
        }
        var (meanG, meanGx) = (sumG / r.Side, sumGx / r.Side);
        for (var d = 0; d < r.Side; d++)
        {
            var i = start + d * r.Inner;
            dx[i] = rstd * (dy[i] * weight[d] - meanG - (x[i] - mean) * rstd * meanGx);
        }
    }
}
