using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace DeepVis.Ops;

/// <summary>
/// Settings of <see cref="LocalResponseNorm"/>, with PyTorch's names and defaults
/// (AlexNet and GoogLeNet use size 5).
/// </summary>
public readonly record struct LocalResponseNormSettings(int Size, float Alpha = 1e-4f, float Beta = 0.75f, float K = 1f)
{
    public void Validate()
    {
        if (Size < 1) throw new ArgumentException($"local response norm: size must be positive, got {Size}");
    }
}

/// <summary>
/// Local response normalization across channels, as PyTorch computes it:
/// y_c = x_c / (k + alpha / n * sum of x_c'^2 for c' in c - n/2 .. c + (n-1)/2)^beta, channels outside
/// the tensor count as zero and the sum is always divided by n. Works on [N, C, ...] (NCHW or [N, C]).
/// Forward and analytic backward-to-input kernels, one thread per element.
/// </summary>
public static partial class LocalResponseNorm
{
    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, LrnGeometry> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, LrnGeometry>(ForwardKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, LrnGeometry> Backward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, LrnGeometry>(BackwardKernel);
    }

    /// <summary>One launch's channel layout and constants, passed to the kernels by value.</summary>
    internal struct LrnGeometry
    {
        /// <summary>Channels, and elements per channel (H * W).</summary>
        public int C, Plane;

        /// <summary>Window reach below and above a channel: n / 2 and (n - 1) / 2.</summary>
        public int Before, After;

        /// <summary>alpha / n, beta and k.</summary>
        public float Scale, Beta, K;
    }

    /// <summary>y = x / (k + alpha / n * windowed sum of x^2)^beta.</summary>
    public static void Forward(Tensor x, Tensor y, LocalResponseNormSettings settings)
    {
        var geometry = Geometry(x, settings);
        y.RequireShape("local response norm output", [.. x.Shape]);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Forward(y.Length, x.View, y.View, geometry);
        else CpuForward(x, y, geometry);
    }

    /// <summary>
    /// dx_j = dy_j * D_j^-beta - 2 * beta * alpha / n * x_j * sum over the channels c whose window holds j
    /// of dy_c * x_c * D_c^(-beta-1), where D_c = k + alpha / n * windowed sum of x^2.
    /// </summary>
    public static void Backward(Tensor x, Tensor dy, Tensor dx, LocalResponseNormSettings settings)
    {
        var geometry = Geometry(x, settings);
        dy.RequireShape("local response norm output gradient", [.. x.Shape]);
        dx.RequireShape("local response norm input gradient", [.. x.Shape]);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Backward(dx.Length, x.View, dy.View, dx.View, geometry);
        else CpuBackward(x, dy, dx, geometry);
    }

    private static LrnGeometry Geometry(Tensor x, LocalResponseNormSettings settings)
    {
        settings.Validate();
        if (x.Rank < 2)
            throw new ShapeException($"local response norm input: expected [N, C, ...], got shape {x.ShapeText}");
        return new LrnGeometry
        {
            C = x.Shape[1],
            Plane = x.ItemLength / x.Shape[1],
            Before = settings.Size / 2,
            After = (settings.Size - 1) / 2,
            Scale = settings.Alpha / settings.Size,
            Beta = settings.Beta,
            K = settings.K,
        };
    }

    /// <summary>D_c = k + alpha / n * sum of x^2 over channel c's window; <paramref name="item"/> points at channel 0.</summary>
    private static float Denominator(ArrayView<float> x, int item, int c, LrnGeometry g)
    {
        var first = c - g.Before < 0 ? 0 : c - g.Before;
        var last = c + g.After < g.C - 1 ? c + g.After : g.C - 1;
        var sum = 0f;
        for (var k = first; k <= last; k++)
        {
            var value = x[item + k * g.Plane];
            sum += value * value;
        }
        return g.K + g.Scale * sum;
    }

    private static void ForwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, LrnGeometry g)
    {
        int index = i;
        var c = index / g.Plane % g.C;
        var item = index - c * g.Plane;
        y[index] = x[index] * XMath.Pow(Denominator(x, item, c, g), -g.Beta);
    }

    private static void BackwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dx, LrnGeometry g)
    {
        int index = i;
        var j = index / g.Plane % g.C;
        var item = index - j * g.Plane;
        // Channel c's window holds j when c - before <= j <= c + after.
        var first = j - g.After < 0 ? 0 : j - g.After;
        var last = j + g.Before < g.C - 1 ? j + g.Before : g.C - 1;
        var cross = 0f;
        for (var c = first; c <= last; c++)
        {
            var at = item + c * g.Plane;
            cross += dy[at] * x[at] * XMath.Pow(Denominator(x, item, c, g), -g.Beta - 1f);
        }
        dx[index] = dy[index] * XMath.Pow(Denominator(x, item, j, g), -g.Beta) - 2f * g.Beta * g.Scale * x[index] * cross;
    }
}
