using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace DeepVis.Kernels.Image;

/// <summary>
/// The real 2-D discrete Fourier transform of NCHW images in Lucid's rfft2d layout, any size: the
/// spectrum of an H x W plane is H x (W/2 + 1) complex values, stored [N, C, H, W/2 + 1, 2] (real,
/// imaginary). Orthonormal scaling (1/sqrt(HW) both ways, PyTorch's norm="ortho", which is Lucid's
/// irfft2d with its sqrt(HW) factor), so <see cref="Inverse"/>(<see cref="Forward"/>(x)) = x. Each
/// direction has its adjoint. A plain DFT along rows then columns (O(HW(H + W)) per plane) through
/// a scratch tensor of the spectrum's shape; twiddles are exact angles 2 pi (k n mod N) / N.
/// </summary>
/// <remarks>
/// Inverse (numpy's irfft2 semantics): x[h, w] = s sum_ky sum_kx c_kx (Re X cos t - Im X sin t), t = 2 pi (ky h / H + kx w / W),
/// c = 1 for kx = 0 and kx = W/2 (W even), else 2 (the conjugate half not stored). The imaginary parts
/// that irfft ignores get a zero gradient from <see cref="InverseAdjoint"/>, as in PyTorch.
/// </remarks>
public static partial class Dft2d
{
    internal readonly struct Sizes(int height, int width)
    {
        public readonly int Height = height;
        public readonly int Width = width;
        public readonly int Columns = width / 2 + 1;
        public readonly float Scale = 1f / MathF.Sqrt((float)height * width);
    }

    /// <summary>The spectrum's shape for NCHW images of <paramref name="shape"/>.</summary>
    public static int[] SpectrumShape(IReadOnlyList<int> shape) => [shape[0], shape[1], shape[2], shape[3] / 2 + 1, 2];

    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Sizes> SynthesizeColumns =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Sizes>(SynthesizeColumnsKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Sizes, int> SynthesizeRows =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Sizes, int>(SynthesizeRowsKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Sizes> AnalyzeRows =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Sizes>(AnalyzeRowsKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Sizes, int> AnalyzeColumns =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Sizes, int>(AnalyzeColumnsKernel);
    }

    /// <summary>spectrum = rfft2(image), orthonormal.</summary>
    public static void Forward(Tensor image, Tensor spectrum, Tensor scratch)
    {
        var s = Check(image, spectrum, scratch);
        Analyze(image, spectrum, scratch, s, weighted: false);
    }

    /// <summary>d image = rfft2^T(d spectrum): the gradient of <see cref="Forward"/>.</summary>
    public static void ForwardAdjoint(Tensor spectrumGradient, Tensor imageGradient, Tensor scratch)
    {
        var s = Check(imageGradient, spectrumGradient, scratch);
        Synthesize(spectrumGradient, imageGradient, scratch, s, weighted: false);
    }

    /// <summary>image = irfft2(spectrum), orthonormal, the image's size from <paramref name="image"/>.</summary>
    public static void Inverse(Tensor spectrum, Tensor image, Tensor scratch)
    {
        var s = Check(image, spectrum, scratch);
        Synthesize(spectrum, image, scratch, s, weighted: true);
    }

    /// <summary>d spectrum = irfft2^T(d image): the gradient of <see cref="Inverse"/>.</summary>
    public static void InverseAdjoint(Tensor imageGradient, Tensor spectrumGradient, Tensor scratch)
    {
        var s = Check(imageGradient, spectrumGradient, scratch);
        Analyze(imageGradient, spectrumGradient, scratch, s, weighted: true);
    }

    private static Sizes Check(Tensor image, Tensor spectrum, Tensor scratch)
    {
        image.RequireRank("dft image", 4);
        var shape = SpectrumShape(image.Shape);
        spectrum.RequireShape("dft spectrum", shape);
        scratch.RequireShape("dft scratch", shape);
        if (ReferenceEquals(scratch, spectrum)) throw new ArgumentException("dft: the scratch tensor must not be the spectrum");
        return new Sizes(image.H, image.W);
    }

    private static void Synthesize(Tensor spectrum, Tensor image, Tensor scratch, Sizes s, bool weighted)
    {
        if (image.Device.Ilgpu<Loaded>() is not { } k)
        {
            CpuSynthesize(spectrum, image, scratch, s, weighted);
            return;
        }
        k.SynthesizeColumns(scratch.Length / 2, spectrum.View, scratch.View, s);
        k.SynthesizeRows(image.Length, scratch.View, image.View, s, weighted ? 1 : 0);
    }

    private static void Analyze(Tensor image, Tensor spectrum, Tensor scratch, Sizes s, bool weighted)
    {
        if (image.Device.Ilgpu<Loaded>() is not { } k)
        {
            CpuAnalyze(image, spectrum, scratch, s, weighted);
            return;
        }
        k.AnalyzeRows(scratch.Length / 2, image.View, scratch.View, s);
        k.AnalyzeColumns(spectrum.Length / 2, scratch.View, spectrum.View, s, weighted ? 1 : 0);
    }

    /// <summary>The angle 2 pi (k n mod N) / N, reduced in integers so large k n keep full precision.</summary>
    private static float Angle(int k, int n, int count) => 2f * XMath.PI * (k * n % count) / count;

    /// <summary>irfft's weight of column kx: the stored half stands for itself and its conjugate, except DC and Nyquist.</summary>
    private static float ColumnWeight(int kx, int width, int weighted) =>
        weighted == 0 || kx == 0 || 2 * kx == width ? 1f : 2f;

    /// <summary>Y[h, kx] = sum_ky X[ky, kx] e^(+i 2 pi ky h / H): one complex output per thread.</summary>
    private static void SynthesizeColumnsKernel(Index1D i, ArrayView<float> spectrum, ArrayView<float> scratch, Sizes s)
    {
        int index = i;
        var kx = index % s.Columns;
        var h = index / s.Columns % s.Height;
        var plane = index / (s.Columns * s.Height) * s.Height * s.Columns;
        float re = 0f, im = 0f;
        for (var ky = 0; ky < s.Height; ky++)
        {
            var t = Angle(ky, h, s.Height);
            var (c, sn) = (XMath.Cos(t), XMath.Sin(t));
            var at = 2 * (plane + ky * s.Columns + kx);
            var (xr, xi) = (spectrum[at], spectrum[at + 1]);
            re += xr * c - xi * sn;
            im += xr * sn + xi * c;
        }
        scratch[2 * index] = re;
        scratch[2 * index + 1] = im;
    }

    /// <summary>x[h, w] = s sum_kx c_kx Re(Y[h, kx] e^(+i 2 pi kx w / W)).</summary>
    private static void SynthesizeRowsKernel(Index1D i, ArrayView<float> scratch, ArrayView<float> image, Sizes s, int weighted)
    {
        int index = i;
        var w = index % s.Width;
        var row = index / s.Width * s.Columns;
        var sum = 0f;
        for (var kx = 0; kx < s.Columns; kx++)
        {
            var t = Angle(kx, w, s.Width);
            var at = 2 * (row + kx);
            sum += ColumnWeight(kx, s.Width, weighted) * (scratch[at] * XMath.Cos(t) - scratch[at + 1] * XMath.Sin(t));
        }
        image[index] = s.Scale * sum;
    }

    /// <summary>Z[h, kx] = sum_w x[h, w] e^(-i 2 pi kx w / W).</summary>
    private static void AnalyzeRowsKernel(Index1D i, ArrayView<float> image, ArrayView<float> scratch, Sizes s)
    {
        int index = i;
        var kx = index % s.Columns;
        var row = index / s.Columns * s.Width;
        float re = 0f, im = 0f;
        for (var w = 0; w < s.Width; w++)
        {
            var t = Angle(kx, w, s.Width);
            var v = image[row + w];
            re += v * XMath.Cos(t);
            im -= v * XMath.Sin(t);
        }
        scratch[2 * index] = re;
        scratch[2 * index + 1] = im;
    }

    /// <summary>X[ky, kx] = s c_kx sum_h Z[h, kx] e^(-i 2 pi ky h / H).</summary>
    private static void AnalyzeColumnsKernel(Index1D i, ArrayView<float> scratch, ArrayView<float> spectrum, Sizes s, int weighted)
    {
        int index = i;
        var kx = index % s.Columns;
        var ky = index / s.Columns % s.Height;
        var plane = index / (s.Columns * s.Height) * s.Height * s.Columns;
        float re = 0f, im = 0f;
        for (var h = 0; h < s.Height; h++)
        {
            var t = Angle(ky, h, s.Height);
            var (c, sn) = (XMath.Cos(t), XMath.Sin(t));
            var at = 2 * (plane + h * s.Columns + kx);
            var (zr, zi) = (scratch[at], scratch[at + 1]);
            re += zr * c + zi * sn;
            im += zi * c - zr * sn;
        }
        var scale = s.Scale * ColumnWeight(kx, s.Width, weighted);
        spectrum[2 * index] = scale * re;
        spectrum[2 * index + 1] = scale * im;
    }
}
