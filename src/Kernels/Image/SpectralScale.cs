using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace DeepVis.Kernels.Image;

/// <summary>
/// Lucid's spectral weighting of an rfft2 spectrum [N, C, H, W/2 + 1, 2] (<see cref="Fft2d"/>): every
/// frequency times gain / max(f, 1 / max(W, H))^decay, f = sqrt(fy^2 + fx^2) with numpy's fftfreq
/// (cycles per pixel). A diagonal map, so it is its own adjoint; decay -d and gain 1/g invert it.
/// </summary>
public static partial class SpectralScale
{
    internal readonly struct Weights(int height, int width, float decay, float gain)
    {
        public readonly int Height = height;
        public readonly int Width = width;
        public readonly int Columns = width / 2 + 1;
        public readonly float Floor = 1f / Math.Max(width, height);
        public readonly float Decay = decay;
        public readonly float Gain = gain;
    }

    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Weights> Apply =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Weights>(ApplyKernel);
    }

    /// <summary>
    /// y = gain * x / max(f, 1 / max(W, H))^decay for the spectrum of W-wide images; y may be x. The
    /// gradient is the same call on the output gradient.
    /// </summary>
    public static void Apply(Tensor x, Tensor y, int width, float decay, float gain)
    {
        x.RequireRank("spectral scale input", 5);
        if (x.Shape[4] != 2 || x.Shape[3] != width / 2 + 1)
            throw new ShapeException($"spectral scale: a spectrum of {width}-wide images has shape [N, C, H, {width / 2 + 1}, 2], got {x.ShapeText}");
        y.RequireShape("spectral scale output", [.. x.Shape]);
        var weights = new Weights(x.Shape[2], width, decay, gain);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Apply(x.Length, x.View, y.View, weights);
        else CpuApply(x, y, weights);
    }

    /// <summary>numpy's fftfreq(n)[k]: k / n below the middle, (k - n) / n above.</summary>
    private static float Frequency(int k, int n) => (2 * k < n ? k : k - n) / (float)n;

    private static float Weight(int ky, int kx, Weights w)
    {
        var (fy, fx) = (Frequency(ky, w.Height), kx / (float)w.Width);
        var f = XMath.Max(XMath.Sqrt(fy * fy + fx * fx), w.Floor);
        return w.Gain * XMath.Pow(f, -w.Decay);
    }

    private static void ApplyKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, Weights w)
    {
        int index = i;
        var kx = index / 2 % w.Columns;
        var ky = index / (2 * w.Columns) % w.Height;
        y[index] = Weight(ky, kx, w) * x[index];
    }
}
