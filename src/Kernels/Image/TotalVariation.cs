using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Algorithms.ScanReduceOperations;
using ILGPU.Runtime;

namespace DeepVis.Kernels.Image;

/// <summary>
/// The TV^beta regularizer of Mahendran &amp; Vedaldi, per image of an NCHW tensor:
/// TV(x_n) = sum over c, h, w of ((x[h, w+1] - x[h, w])^2 + (x[h+1, w] - x[h, w])^2 + epsilon)^(beta / 2),
/// where a difference that would leave the image (last column, last row) is 0.
/// Value kernel (one grouped launch, one group per image) and gradient kernel (a gather: x[h, w] enters
/// the terms at (h, w), (h, w-1) and (h-1, w), so each output element is written by exactly one thread).
/// </summary>
/// <remarks>
/// beta &gt;= 1; beta = 2 is the usual choice and makes TV the plain sum of squared differences (plus a
/// constant epsilon per element). epsilon keeps the gradient finite where both differences vanish when
/// beta &lt; 2 (there (s + epsilon)^(beta/2 - 1) would be infinite at epsilon = 0), so it must be &gt; 0
/// for beta &lt; 2; 0 is allowed for beta &gt;= 2. <see cref="DefaultEpsilon"/> is small against the
/// squared differences of unit-scale images.
/// </remarks>
public static partial class TotalVariation
{
    /// <summary>The epsilon used when none is given: 1e-6, small against unit-scale squared differences.</summary>
    public const float DefaultEpsilon = 1e-6f;

    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, int, int, float, float> Value =
            a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int, int, float, float>(ValueKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int, int, float, float, float, int> Gradient =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, float, float, float, int>(GradientKernel);
    }

    /// <summary>value[n] = TV^beta of image n of <paramref name="x"/> (NCHW); <paramref name="value"/> is [N].</summary>
    public static void Value(Tensor x, Tensor value, float beta = 2f, float epsilon = DefaultEpsilon)
    {
        RequireArguments(beta, epsilon);
        x.RequireRank("total variation input", 4);
        value.RequireShape("total variation value", x.N);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Value(new KernelConfig(x.N, GroupReduce.GroupSize(x.Device)),
            x.View, value.View, x.ItemLength, x.H, x.W, beta, epsilon);
        else CpuValue(x, value, beta, epsilon);
    }

    /// <summary>dx = d TV^beta / d x, the gradient of <see cref="Value"/> with every per-image weight 1.</summary>
    public static void Gradient(Tensor x, Tensor dx, float beta = 2f, float epsilon = DefaultEpsilon) =>
        Launch(x, dx, 1f, beta, epsilon, accumulate: false, "total variation gradient");

    /// <summary>grad += scale * d TV^beta / d x: the regularizer's term added to the image gradient in the loop.</summary>
    public static void AddGradient(Tensor x, Tensor grad, float scale, float beta = 2f, float epsilon = DefaultEpsilon)
    {
        if (!float.IsFinite(scale))
            throw new ArgumentException($"total variation: scale must be finite, got {scale}", nameof(scale));
        Launch(x, grad, scale, beta, epsilon, accumulate: true, "total variation accumulated gradient");
    }

    private static void Launch(Tensor x, Tensor dx, float scale, float beta, float epsilon, bool accumulate, string what)
    {
        RequireArguments(beta, epsilon);
        x.RequireRank("total variation input", 4);
        dx.RequireShape(what, [.. x.Shape]);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Gradient(x.Length, x.View, dx.View, x.H, x.W,
            beta, epsilon, scale, accumulate ? 1 : 0);
        else CpuGradient(x, dx, scale, beta, epsilon, accumulate);
    }

    private static void RequireArguments(float beta, float epsilon)
    {
        if (!float.IsFinite(beta) || beta < 1f)
            throw new ArgumentException($"total variation: beta must be a finite number >= 1, got {beta}", nameof(beta));
        if (!float.IsFinite(epsilon) || epsilon < 0f)
            throw new ArgumentException($"total variation: epsilon must be a finite number >= 0, got {epsilon}", nameof(epsilon));
        if (beta < 2f && epsilon == 0f)
            throw new ArgumentException(
                $"total variation: epsilon must be > 0 when beta < 2 (beta = {beta}), or the gradient is infinite where differences vanish",
                nameof(epsilon));
    }

    private static void ValueKernel(ArrayView<float> x, ArrayView<float> value, int itemLength, int height, int width,
        float beta, float epsilon)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        var start = Grid.IdxX * itemLength;
        var planeLength = height * width;
        var sum = 0f;
        for (var i = Group.IdxX; i < itemLength; i += Group.DimX)
        {
            var r = i % planeLength;
            var s = SquaredDifferences(x, start + i - r, r / width, r % width, height, width, out _, out _);
            sum += beta == 2f ? s + epsilon : XMath.Pow(s + epsilon, 0.5f * beta);
        }
        sum = GroupReduce.Reduce<float, AddFloat>(scratch, sum);
        if (Group.IsFirstThread) value[Grid.IdxX] = sum;
    }

    private static void GradientKernel(Index1D i, ArrayView<float> x, ArrayView<float> dx, int height, int width,
        float beta, float epsilon, float scale, int accumulate)
    {
        var planeLength = height * width;
        var r = i % planeLength;
        var plane = i - r;
        var (h, w) = (r / width, r % width);
        // Term (h, w): d/dx[h, w] of its differences is -1 each.
        var g = Weight(SquaredDifferences(x, plane, h, w, height, width, out var dh, out var dv), beta, epsilon);
        var d = -g * (dh + dv);
        // Term (h, w-1): x[h, w] is the right end of its horizontal difference.
        if (w > 0)
        {
            g = Weight(SquaredDifferences(x, plane, h, w - 1, height, width, out dh, out _), beta, epsilon);
            d += g * dh;
        }
        // Term (h-1, w): x[h, w] is the lower end of its vertical difference.
        if (h > 0)
        {
            g = Weight(SquaredDifferences(x, plane, h - 1, w, height, width, out _, out dv), beta, epsilon);
            d += g * dv;
        }
        dx[i] = accumulate != 0 ? dx[i] + scale * d : scale * d;
    }

    /// <summary>The differences at (h, w) of one plane (0 past the last column / row) and the sum of their squares.</summary>
    private static float SquaredDifferences(ArrayView<float> x, int plane, int h, int w, int height, int width,
        out float dh, out float dv)
    {
        var at = plane + h * width + w;
        var v = x[at];
        dh = w + 1 < width ? x[at + 1] - v : 0f;
        dv = h + 1 < height ? x[at + width] - v : 0f;
        return dh * dh + dv * dv;
    }

    /// <summary>d term / d difference = Weight * difference, with Weight = beta (s + epsilon)^(beta/2 - 1).</summary>
    private static float Weight(float s, float beta, float epsilon) =>
        beta == 2f ? 2f : beta * XMath.Pow(s + epsilon, 0.5f * beta - 1f);
}
