using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace DeepVis.Kernels.Image;

/// <summary>
/// Bilateral filter of NCHW images, each channel on its own (the range weight compares values of the
/// same channel): y[p] = sum over q of w(p, q) x[q] / sum over q of w(p, q), q in the (2r+1)^2 window
/// around p, w(p, q) = exp(-|p - q|^2 / (2 sigma_space^2)) * exp(-(x[q] - x[p])^2 / (2 sigma_range^2)).
/// Borders use reflect padding as <see cref="GaussianBlur"/> (the radius must be below H and W).
/// Forward only: class visualization applies it to the image between steps, it is never differentiated.
/// </summary>
public static partial class BilateralFilter
{
    /// <summary>Kernel parameters; the coefficients are -1 / (2 sigma^2).</summary>
    internal readonly struct Window
    {
        public readonly int Height;
        public readonly int Width;
        public readonly int Radius;
        public readonly float SpaceCoefficient;
        public readonly float RangeCoefficient;

        public Window(int height, int width, int radius, float spaceCoefficient, float rangeCoefficient) =>
            (Height, Width, Radius, SpaceCoefficient, RangeCoefficient) = (height, width, radius, spaceCoefficient, rangeCoefficient);
    }

    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Window> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Window>(ForwardKernel);
    }

    /// <summary>The usual window: radius ceil(2 sigma_space), at least 1.</summary>
    public static int DefaultRadius(float sigmaSpace) => Math.Max(1, (int)MathF.Ceiling(2 * sigmaSpace));

    /// <summary>y = bilateral(x); <paramref name="y"/> has x's shape and is a different tensor (every output reads its neighbours).</summary>
    public static void Forward(Tensor x, Tensor y, int radius, float sigmaSpace, float sigmaRange)
    {
        x.RequireRank("bilateral filter input", 4);
        y.RequireShape("bilateral filter output", [.. x.Shape]);
        if (ReferenceEquals(x, y)) throw new ArgumentException("bilateral filter: the output must be a different tensor from the input", nameof(y));
        if (radius < 1 || radius >= x.H || radius >= x.W)
            throw new ArgumentException(
                $"bilateral filter: radius must be at least 1 and below height and width for reflect padding, got {radius} for shape {x.ShapeText}",
                nameof(radius));
        RequireSigma(sigmaSpace, "sigma_space");
        RequireSigma(sigmaRange, "sigma_range");
        var window = new Window(x.H, x.W, radius, -0.5f / (sigmaSpace * sigmaSpace), -0.5f / (sigmaRange * sigmaRange));
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Forward(x.Length, x.View, y.View, window);
        else CpuForward(x, y, window);
    }

    private static void RequireSigma(float sigma, string name)
    {
        if (!(sigma > 0f) || float.IsInfinity(sigma))
            throw new ArgumentException($"bilateral filter: {name} must be positive and finite, got {sigma}");
    }

    private static void ForwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, Window p)
    {
        int index = i;
        var plane = p.Height * p.Width;
        var r = index % plane;
        var origin = index - r;
        var (h, w) = (r / p.Width, r % p.Width);
        var centre = x[index];
        var (sum, norm) = (0f, 0f);
        for (var a = -p.Radius; a <= p.Radius; a++)
        {
            var row = origin + GaussianBlur.Reflect(h + a, p.Height) * p.Width;
            for (var b = -p.Radius; b <= p.Radius; b++)
            {
                var v = x[row + GaussianBlur.Reflect(w + b, p.Width)];
                var d = v - centre;
                var weight = XMath.Exp((a * a + b * b) * p.SpaceCoefficient + d * d * p.RangeCoefficient);
                sum += weight * v;
                norm += weight;
            }
        }
        y[index] = sum / norm; // norm >= 1: the centre's own weight is exp(0)
    }
}
