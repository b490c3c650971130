using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace DeepVis.Kernels.Image;

/// <summary>
/// Separable Gaussian blur of NCHW images with reflect padding as PyTorch's <c>'reflect'</c> mode
/// (index -1 reads 1, index n reads n-2; the radius must be below both image dimensions).
/// Weights exp(-t^2 / (2 sigma^2)) for t in [-r, r], normalized to sum 1, are computed inside the
/// kernel from the size and sigma, so no weight buffer exists. Two passes: horizontal into a
/// caller-provided scratch tensor of the input's shape, then vertical. The blur is linear; its
/// backward is its adjoint (transpose), computed as a gather without atomics.
/// </summary>
public static partial class GaussianBlur
{
    /// <summary>
    /// Kernel parameters of one 1-D pass along an axis: element i has coordinate (i / Stride) % Extent
    /// on that axis; Coefficient is -1 / (2 sigma^2).
    /// </summary>
    internal readonly struct Pass
    {
        public readonly int Extent;
        public readonly int Stride;
        public readonly int Radius;
        public readonly float Coefficient;

        public Pass(int extent, int stride, int radius, float coefficient) =>
            (Extent, Stride, Radius, Coefficient) = (extent, stride, radius, coefficient);
    }

    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Pass> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Pass>(ForwardKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Pass> Adjoint =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Pass>(AdjointKernel);
    }

    /// <summary>The sigma torchvision and OpenCV pick for a kernel size: 0.3 * ((size - 1) / 2 - 1) + 0.8.</summary>
    public static float DefaultSigma(int size)
    {
        RequireSize(size);
        return 0.3f * ((size - 1) * 0.5f - 1f) + 0.8f;
    }

    /// <summary>
    /// y = blur(x) with a size x size Gaussian of standard deviation <paramref name="sigma"/>.
    /// <paramref name="scratch"/> has the shape of <paramref name="x"/> and differs from both x and y;
    /// <paramref name="y"/> may be <paramref name="x"/> (in place).
    /// </summary>
    public static void Forward(Tensor x, Tensor scratch, Tensor y, int size, float sigma)
    {
        var (horizontal, vertical) = Plan(x, scratch, y, size, sigma, "gaussian blur");
        if (x.Device.Ilgpu<Loaded>() is not { } k)
        {
            CpuForward(x, scratch, y, horizontal, vertical);
            return;
        }
        k.Forward(x.Length, x.View, scratch.View, horizontal);
        k.Forward(x.Length, scratch.View, y.View, vertical);
    }

    /// <summary>
    /// dx = blur^T(dy), the adjoint of <see cref="Forward"/> with the same size and sigma (vertical
    /// adjoint into <paramref name="scratch"/>, then horizontal). <paramref name="dx"/> may be <paramref name="dy"/>.
    /// </summary>
    public static void Backward(Tensor dy, Tensor scratch, Tensor dx, int size, float sigma)
    {
        var (horizontal, vertical) = Plan(dy, scratch, dx, size, sigma, "gaussian blur backward");
        if (dy.Device.Ilgpu<Loaded>() is not { } k)
        {
            CpuBackward(dy, scratch, dx, horizontal, vertical);
            return;
        }
        k.Adjoint(dy.Length, dy.View, scratch.View, vertical);
        k.Adjoint(dy.Length, scratch.View, dx.View, horizontal);
    }

    private static (Pass Horizontal, Pass Vertical) Plan(Tensor input, Tensor scratch, Tensor output,
        int size, float sigma, string what)
    {
        input.RequireRank($"{what} input", 4);
        scratch.RequireShape($"{what} scratch", [.. input.Shape]);
        output.RequireShape($"{what} output", [.. input.Shape]);
        if (ReferenceEquals(scratch, input) || ReferenceEquals(scratch, output))
            throw new ArgumentException($"{what}: the scratch tensor must be distinct from the input and output tensors", nameof(scratch));
        RequireSize(size);
        if (!(sigma > 0f) || float.IsInfinity(sigma))
            throw new ArgumentException($"{what}: sigma must be positive and finite, got {sigma}", nameof(sigma));
        var radius = size / 2;
        if (radius >= input.H || radius >= input.W)
            throw new ArgumentException(
                $"{what}: kernel size {size} (radius {radius}) needs radius < height and width for reflect padding, " +
                $"got a {input.H}x{input.W} image (shape {input.ShapeText})", nameof(size));
        var coefficient = (float)(-1.0 / (2.0 * sigma * sigma));
        return (new Pass(input.W, 1, radius, coefficient), new Pass(input.H, input.W, radius, coefficient));
    }

    private static void RequireSize(int size)
    {
        if (size < 1 || size % 2 == 0)
            throw new ArgumentException($"gaussian blur: kernel size must be a positive odd number, got {size}", nameof(size));
    }

    /// <summary>Unnormalized tap weight; the centre is exactly 1 even when sigma is tiny.</summary>
    private static float Weight(int t, float coefficient) => t == 0 ? 1f : XMath.Exp(t * t * coefficient);

    /// <summary>PyTorch 'reflect' for -n &lt; m &lt; 2n - 1: -1 -> 1, n -> n - 2 (shared with the bilateral filter).</summary>
    internal static int Reflect(int m, int n) => m < 0 ? -m : m >= n ? 2 * (n - 1) - m : m;

    private static float Norm(Pass p)
    {
        var norm = 0f;
        for (var t = -p.Radius; t <= p.Radius; t++) norm += Weight(t, p.Coefficient);
        return norm;
    }

    private static void ForwardKernel(Index1D i, ArrayView<float> input, ArrayView<float> output, Pass p)
    {
        int index = i;
        var coordinate = index / p.Stride % p.Extent;
        var origin = index - coordinate * p.Stride;
        var sum = 0f;
        for (var t = -p.Radius; t <= p.Radius; t++)
            sum += Weight(t, p.Coefficient) * input[origin + Reflect(coordinate + t, p.Extent) * p.Stride];
        output[index] = sum / Norm(p);
    }

    /// <summary>
    /// Input coordinate c receives from every output j whose tap j + t lands on a padded position m
    /// that reflects to c: m = c, m = -c (c &gt; 0) and m = 2(n - 1) - c (c &lt; n - 1), each once.
    /// </summary>
    private static void AdjointKernel(Index1D i, ArrayView<float> input, ArrayView<float> output, Pass p)
    {
        int index = i;
        var coordinate = index / p.Stride % p.Extent;
        var origin = index - coordinate * p.Stride;
        var sum = Gather(input, origin, coordinate, p);
        if (coordinate > 0) sum += Gather(input, origin, -coordinate, p);
        if (coordinate < p.Extent - 1) sum += Gather(input, origin, 2 * (p.Extent - 1) - coordinate, p);
        output[index] = sum / Norm(p);
    }

    /// <summary>Sum over outputs j with |m - j| &lt;= radius of weight(m - j) * input[j].</summary>
    private static float Gather(ArrayView<float> input, int origin, int m, Pass p)
    {
        var first = XMath.Max(0, m - p.Radius);
        var last = XMath.Min(p.Extent - 1, m + p.Radius);
        var sum = 0f;
        for (var j = first; j <= last; j++) sum += Weight(m - j, p.Coefficient) * input[origin + j * p.Stride];
        return sum;
    }
}
