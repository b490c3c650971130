using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using Device = DeepVis.Kernels.Runtime.Device;

namespace DeepVis.Kernels.Image;

/// <summary>
/// Total-variation denoising (Rudin-Osher-Fatemi) of NCHW images, each channel plane on its own:
/// u = argmin weight * TV(u) + 1/2 ||u - f||^2 with the isotropic TV(u) = sum over pixels of |grad u|,
/// grad u by forward differences that are 0 past the last column / row. Solved by Goldstein &amp;
/// Osher's split Bregman iteration with mu = 1 / weight and lambda = 2 mu, starting at u = f, d = b = 0,
/// for a fixed number of Bregman iterations, each:
/// <list type="number">
/// <item>u: <c>sweeps</c> Jacobi sweeps (not Gauss-Seidel, so every pixel updates in parallel) on
/// (mu + lambda grad^T grad) u = mu f + lambda grad^T (d - b);</item>
/// <item>d = shrink(grad u + b, 1 / lambda), the isotropic shrink of the 2-vector at each pixel;</item>
/// <item>b = b + grad u - d.</item>
/// </list>
/// Forward only: class visualization applies it to the image between steps.
/// </summary>
public static partial class TvDenoise
{
    /// <summary>The defaults class visualization uses: enough for a visible, stable result at a few launches per application.</summary>
    public const int DefaultIterations = 20;

    public const int DefaultSweeps = 2;

    /// <summary>lambda / mu, as Goldstein &amp; Osher and scikit-image choose it.</summary>
    private const float PenaltyRatio = 2f;

    /// <summary>
    /// Device scratch for one image shape: the split variables d = (dx, dy) and the Bregman variables
    /// b = (bx, by), four floats per pixel, and a second image for the Jacobi ping-pong.
    /// </summary>
    public sealed class Buffers : IDisposable
    {
        public Buffers(Device device, params int[] shape)
        {
            if (shape.Length != 4) throw new ShapeException($"tv denoise buffers: expected an NCHW shape, got {Tensor.Format(shape)}");
            Split = new Tensor(device, [.. shape, 4]);
            Scratch = new Tensor(device, shape);
        }

        internal Tensor Split { get; }

        internal Tensor Scratch { get; }

        public void Dispose()
        {
            Split.Dispose();
            Scratch.Dispose();
        }
    }

    /// <summary>Kernel parameters: the plane size, lambda / mu and the shrink threshold 1 / lambda.</summary>
    internal readonly struct Problem
    {
        public readonly int Height;
        public readonly int Width;
        public readonly float Ratio;
        public readonly float Threshold;

        public Problem(int height, int width, float ratio, float threshold) =>
            (Height, Width, Ratio, Threshold) = (height, width, ratio, threshold);
    }

    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Problem> Jacobi =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Problem>(JacobiKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Problem> Shrink =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Problem>(ShrinkKernel);
    }

    /// <summary>
    /// u = the split Bregman solution for the noisy images <paramref name="f"/>; <paramref name="u"/> has
    /// f's shape and is a different tensor (f is read in every iteration).
    /// </summary>
    public static void Apply(Tensor f, Tensor u, Buffers buffers, float weight,
        int iterations = DefaultIterations, int sweeps = DefaultSweeps)
    {
        f.RequireRank("tv denoise input", 4);
        u.RequireShape("tv denoise output", [.. f.Shape]);
        buffers.Scratch.RequireShape("tv denoise buffers", [.. f.Shape]);
        if (ReferenceEquals(f, u)) throw new ArgumentException("tv denoise: the output must be a different tensor from the input", nameof(u));
        if (!(weight > 0f) || float.IsInfinity(weight))
            throw new ArgumentException($"tv denoise: weight must be positive and finite, got {weight}", nameof(weight));
        if (iterations < 1) throw new ArgumentException($"tv denoise: iterations must be at least 1, got {iterations}", nameof(iterations));
        if (sweeps < 1) throw new ArgumentException($"tv denoise: sweeps must be at least 1, got {sweeps}", nameof(sweeps));
        // mu = 1 / weight, lambda = 2 mu: the shrink threshold 1 / lambda is weight / 2.
        var problem = new Problem(f.H, f.W, PenaltyRatio, weight / PenaltyRatio);
        var k = f.Device.Ilgpu<Loaded>();
        f.CopyTo(u);
        buffers.Split.Fill(0f);
        var (current, next) = (u, buffers.Scratch);
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            for (var sweep = 0; sweep < sweeps; sweep++)
            {
                if (k is null) CpuJacobi(f, current, buffers.Split, next, problem);
                else k.Jacobi(f.Length, f.View, current.View, buffers.Split.View, next.View, problem);
                (current, next) = (next, current);
            }
            if (k is null) CpuShrink(current, buffers.Split, problem);
            else k.Shrink(f.Length, current.View, buffers.Split.View, problem);
        }
        if (!ReferenceEquals(current, u)) current.CopyTo(u);
    }

    /// <summary>
    /// One Jacobi sweep of (1 + ratio * grad^T grad) u = f + ratio * grad^T (d - b) (the system divided
    /// by mu): grad^T grad has the pixel's neighbour count on the diagonal and -1 for each neighbour;
    /// (grad^T p)[h, w] = px[h, w-1] - px[h, w] + py[h-1, w] - py[h, w], with the terms past the
    /// image edges left out (forward differences there are 0).
    /// </summary>
    private static void JacobiKernel(Index1D i, ArrayView<float> f, ArrayView<float> u, ArrayView<float> split,
        ArrayView<float> next, Problem p)
    {
        int index = i;
        var r = index % (p.Height * p.Width);
        var (h, w) = (r / p.Width, r % p.Width);
        var (sum, count, divergence) = (0f, 0, 0f);
        if (w > 0)
        {
            sum += u[index - 1];
            count++;
            divergence += DMinusB(split, index - 1, 0);
        }
        if (w < p.Width - 1)
        {
            sum += u[index + 1];
            count++;
            divergence -= DMinusB(split, index, 0);
        }
        if (h > 0)
        {
            sum += u[index - p.Width];
            count++;
            divergence += DMinusB(split, index - p.Width, 1);
        }
        if (h < p.Height - 1)
        {
            sum += u[index + p.Width];
            count++;
            divergence -= DMinusB(split, index, 1);
        }
        next[index] = (f[index] + p.Ratio * (sum + divergence)) / (1f + p.Ratio * count);
    }

    /// <summary>d - b along an axis (0: x, 1: y) at a pixel; the split tensor holds dx, dy, bx, by per pixel.</summary>
    private static float DMinusB(ArrayView<float> split, int pixel, int axis) => split[4 * pixel + axis] - split[4 * pixel + 2 + axis];

    /// <summary>s = grad u + b; d = max(|s| - threshold, 0) s / |s|; b = s - d. Each thread owns its pixel's four values.</summary>
    private static void ShrinkKernel(Index1D i, ArrayView<float> u, ArrayView<float> split, Problem p)
    {
        int index = i;
        var r = index % (p.Height * p.Width);
        var (h, w) = (r / p.Width, r % p.Width);
        var v = u[index];
        var sx = (w < p.Width - 1 ? u[index + 1] - v : 0f) + split[4 * index + 2];
        var sy = (h < p.Height - 1 ? u[index + p.Width] - v : 0f) + split[4 * index + 3];
        (split[4 * index], split[4 * index + 1], split[4 * index + 2], split[4 * index + 3]) = ShrinkPixel(sx, sy, p.Threshold);
    }

    /// <summary>The isotropic shrink of s = (sx, sy): (dx, dy) = max(|s| - threshold, 0) s / |s| and (bx, by) = s - d.</summary>
    private static (float Dx, float Dy, float Bx, float By) ShrinkPixel(float sx, float sy, float threshold)
    {
        var magnitude = XMath.Sqrt(sx * sx + sy * sy);
        var scale = magnitude > threshold ? (magnitude - threshold) / magnitude : 0f;
        return (scale * sx, scale * sy, sx - scale * sx, sy - scale * sy);
    }
}
