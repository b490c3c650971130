using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using Device = DeepVis.Kernels.Runtime.Device;

namespace DeepVis.Kernels.Image;

/// <summary>
/// The real 2-D discrete Fourier transform of NCHW images of one shape, in Lucid's rfft2d layout: the
/// spectrum of an H x W plane is H x (W/2 + 1) complex values, stored [N, C, H, W/2 + 1, 2] (real,
/// imaginary). Orthonormal scaling (1/sqrt(HW) both ways, PyTorch's norm="ortho", which is Lucid's
/// irfft2d with its sqrt(HW) factor), so <see cref="Inverse"/>(<see cref="Forward"/>(x)) = x. Each
/// direction has its adjoint. A fast transform of any size (mixed radix, Bluestein for large prime
/// factors on the cpu device): rows in pairs, two real rows as one complex sequence, then the columns.
/// </summary>
/// <remarks>
/// Inverse (numpy's irfft2 semantics): x[h, w] = s sum_ky sum_kx c_kx (Re X cos t - Im X sin t), t = 2 pi (ky h / H + kx w / W),
/// c = 1 for kx = 0 and kx = W/2 (W even), else 2 (the conjugate half not stored). The imaginary parts
/// that irfft ignores get a zero gradient from <see cref="InverseAdjoint"/>, as in PyTorch.
/// <para>
/// Row pass: rows 2q and 2q + 1 are the real and imaginary parts of one complex sequence, whose
/// transform F splits into the two rows' spectra (F[k] + conj F[-k]) / 2 and (F[k] - conj F[-k]) / 2i;
/// back, the real part of a one-sided row sum is the inverse of its Hermitian part (Z[k] + conj Z[-k]) / 2,
/// which is real, so two rows again share one complex inverse. Rows are laid out [w][q] and columns
/// [h][kx], so both passes transform many sequences side by side: whole vectors of them on the cpu,
/// adjacent threads on a GPU.
/// </para>
/// <para>
/// On ILGPU devices every Stockham stage is one launch with a thread per output, summing its radix's
/// inputs with exact twiddle angles 2 pi (k mod N) / N; a prime factor p costs O(p) per output there.
/// </para>
/// </remarks>
public sealed partial class Fft2d : IDisposable
{
    internal readonly struct Sizes(int height, int width)
    {
        public readonly int Height = height;
        public readonly int Width = width;
        public readonly int Columns = width / 2 + 1;
        public readonly int Pairs = (height + 1) / 2;
        public readonly float Scale = 1f / MathF.Sqrt((float)height * width);
    }

    /// <summary>One Stockham stage over sequences of <see cref="Length"/> elements, <see cref="Lanes"/> of them interleaved per plane.</summary>
    internal readonly struct Stage(int length, int lanes, int span, int radix, float sign, float scale, int weightWidth)
    {
        public readonly int Length = length;
        public readonly int Lanes = lanes;
        public readonly int Span = span;
        public readonly int Radix = radix;
        /// <summary>-1 forward, +1 inverse.</summary>
        public readonly float Sign = sign;
        public readonly float Scale = scale;
        /// <summary>The image width W when outputs are weighted by irfft's c_kx (lane = kx), else 0.</summary>
        public readonly int WeightWidth = weightWidth;
    }

    private readonly Device _device;
    private readonly int[] _shape;
    private readonly Sizes _sizes;
    private readonly int _planes;
    private readonly Tensor? _work, _other;

    /// <summary>A transform for NCHW images of <paramref name="imageShape"/> on <paramref name="device"/> (GPU work buffers are allocated here).</summary>
    public Fft2d(Device device, IReadOnlyList<int> imageShape)
    {
        if (imageShape.Count != 4) throw new ShapeException($"fft image: expected rank 4 (NCHW), got {Tensor.Format(imageShape)}");
        _device = device;
        _shape = [.. imageShape];
        _sizes = new Sizes(imageShape[2], imageShape[3]);
        _planes = imageShape[0] * imageShape[1];
        if (device.RunsOnHost) return;
        var perPlane = 2 * Math.Max(_sizes.Width * _sizes.Pairs, _sizes.Height * _sizes.Columns);
        _work = new Tensor(device, _planes, perPlane);
        _other = new Tensor(device, _planes, perPlane);
    }

    /// <summary>The spectrum's shape for NCHW images of <paramref name="shape"/>.</summary>
    public static int[] SpectrumShape(IReadOnlyList<int> shape) => [shape[0], shape[1], shape[2], shape[3] / 2 + 1, 2];

    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Stage> Stage =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Stage>(StageKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Sizes> PackRows =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Sizes>(PackRowsKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Sizes> SplitRows =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Sizes>(SplitRowsKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Sizes> PairRows =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Sizes>(PairRowsKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Sizes> UnpackRows =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Sizes>(UnpackRowsKernel);
    }

    /// <summary>spectrum = rfft2(image), orthonormal.</summary>
    public void Forward(Tensor image, Tensor spectrum)
    {
        Check(image, spectrum);
        Analyze(image, spectrum, weighted: false);
    }

    /// <summary>d image = rfft2^T(d spectrum): the gradient of <see cref="Forward"/>.</summary>
    public void ForwardAdjoint(Tensor spectrumGradient, Tensor imageGradient)
    {
        Check(imageGradient, spectrumGradient);
        Synthesize(spectrumGradient, imageGradient, weighted: false);
    }

    /// <summary>image = irfft2(spectrum), orthonormal.</summary>
    public void Inverse(Tensor spectrum, Tensor image)
    {
        Check(image, spectrum);
        Synthesize(spectrum, image, weighted: true);
    }

    /// <summary>d spectrum = irfft2^T(d image): the gradient of <see cref="Inverse"/>.</summary>
    public void InverseAdjoint(Tensor imageGradient, Tensor spectrumGradient)
    {
        Check(imageGradient, spectrumGradient);
        Analyze(imageGradient, spectrumGradient, weighted: true);
    }

    public void Dispose()
    {
        _work?.Dispose();
        _other?.Dispose();
    }

    private void Check(Tensor image, Tensor spectrum)
    {
        image.RequireShape("fft image", _shape);
        spectrum.RequireShape("fft spectrum", SpectrumShape(_shape));
        if (image.Device != _device || spectrum.Device != _device)
            throw new ArgumentException("fft: the tensors must live on the transform's device");
    }

    /// <summary>Image to spectrum: rows forward in pairs, split, columns forward; scaled (and weighted) by the last stage.</summary>
    private void Analyze(Tensor image, Tensor spectrum, bool weighted)
    {
        if (_device.Ilgpu<Loaded>() is not { } k)
        {
            CpuAnalyze(image, spectrum, weighted);
            return;
        }
        var s = _sizes;
        k.PackRows(_planes * s.Width * s.Pairs, image.View, _work!.View, s);
        var rows = Stages(k, _work, s.Width, s.Pairs, -1f, 1f, 0, last: null);
        var columns = Next(rows);
        k.SplitRows(_planes * s.Height * s.Columns, rows.View, columns.View, s);
        Stages(k, columns, s.Height, s.Columns, -1f, s.Scale, weighted ? s.Width : 0, last: spectrum);
    }

    /// <summary>Spectrum to image: columns inverse (scaled and weighted by their last stage), paired Hermitian rows inverse, unpacked.</summary>
    private void Synthesize(Tensor spectrum, Tensor image, bool weighted)
    {
        if (_device.Ilgpu<Loaded>() is not { } k)
        {
            CpuSynthesize(spectrum, image, weighted);
            return;
        }
        var s = _sizes;
        var columns = Stages(k, spectrum, s.Height, s.Columns, 1f, s.Scale, weighted ? s.Width : 0, last: null);
        var rows = Next(columns);
        k.PairRows(_planes * s.Width * s.Pairs, columns.View, rows.View, s);
        var result = Stages(k, rows, s.Width, s.Pairs, 1f, 1f, 0, last: null);
        k.UnpackRows(image.Length, result.View, image.View, s);
    }

    /// <summary>The work buffer to write after reading <paramref name="from"/> (never the one read, never an input).</summary>
    private Tensor Next(Tensor from) => from == _work ? _other! : _work!;

    /// <summary>
    /// The stages of one pass from <paramref name="from"/>, ping-ponging through the work buffers (the
    /// last into <paramref name="last"/> when given); the scale and weights go with the last stage.
    /// Returns the tensor holding the result. A length of 1 is one copying stage of radix 1.
    /// </summary>
    private Tensor Stages(Loaded k, Tensor from, int length, int lanes, float sign, float scale, int weightWidth, Tensor? last)
    {
        var radices = ComplexFft.Radices(length);
        if (radices.Length == 0) radices = [1];
        var span = 1;
        for (var i = 0; i < radices.Length; i++)
        {
            var final = i == radices.Length - 1;
            var to = final && last is not null ? last : Next(from);
            k.Stage(_planes * length * lanes, from.View, to.View,
                new Stage(length, lanes, span, radices[i], sign, final ? scale : 1f, final ? weightWidth : 0));
            span *= radices[i];
            from = to;
        }
        return from;
    }

    /// <summary>irfft's weight of column kx: the stored half stands for itself and its conjugate, except DC and Nyquist.</summary>
    private static float ColumnWeight(int kx, int width) => width == 0 || kx == 0 || 2 * kx == width ? 1f : 2f;

    /// <summary>
    /// Output e of a stage: butterfly j = (e / (S R)) S + e mod S, output q = (e / S) mod R, the sum over
    /// r of x[j + r n / R] e^(sign 2 pi i r (e mod S + q S) / (S R)), twiddle and butterfly in one angle.
    /// </summary>
    private static void StageKernel(Index1D i, ArrayView<float> from, ArrayView<float> to, Stage st)
    {
        int index = i;
        var lane = index % st.Lanes;
        var e = index / st.Lanes % st.Length;
        var sequence = index / (st.Lanes * st.Length) * st.Length * st.Lanes + lane;
        var position = e % st.Span;
        var period = st.Span * st.Radix;
        var step = position + e / st.Span % st.Radix * st.Span;
        var j = e / period * st.Span + position;
        var stride = st.Length / st.Radix;
        float re = 0f, im = 0f;
        var turn = 0;
        for (var r = 0; r < st.Radix; r++)
        {
            var t = st.Sign * 2f * XMath.PI * turn / period;
            var (c, sn) = (XMath.Cos(t), XMath.Sin(t));
            var at = 2 * (sequence + (j + r * stride) * st.Lanes);
            var (xr, xi) = (from[at], from[at + 1]);
            re += xr * c - xi * sn;
            im += xr * sn + xi * c;
            turn = (turn + step) % period;
        }
        var scale = st.Scale * ColumnWeight(lane, st.WeightWidth);
        to[2 * index] = scale * re;
        to[2 * index + 1] = scale * im;
    }

    /// <summary>Rows 2q and 2q + 1 of the image as the real and imaginary parts of sequence q, laid out [w][q].</summary>
    private static void PackRowsKernel(Index1D i, ArrayView<float> image, ArrayView<float> rows, Sizes s)
    {
        int index = i;
        var q = index % s.Pairs;
        var w = index / s.Pairs % s.Width;
        var plane = index / (s.Pairs * s.Width);
        var at = (plane * s.Height + 2 * q) * s.Width + w;
        rows[2 * index] = image[at];
        rows[2 * index + 1] = 2 * q + 1 < s.Height ? image[at + s.Width] : 0f;
    }

    /// <summary>Row h's spectrum from its pair's: (F[k] + conj F[-k]) / 2 for even h, (F[k] - conj F[-k]) / 2i for odd, laid out [h][kx].</summary>
    private static void SplitRowsKernel(Index1D i, ArrayView<float> rows, ArrayView<float> columns, Sizes s)
    {
        int index = i;
        var kx = index % s.Columns;
        var h = index / s.Columns % s.Height;
        var plane = index / (s.Columns * s.Height) * s.Width * s.Pairs;
        var at = 2 * (plane + kx * s.Pairs + h / 2);
        var mirror = 2 * (plane + (s.Width - kx) % s.Width * s.Pairs + h / 2);
        var (fr, fi, gr, gi) = (rows[at], rows[at + 1], rows[mirror], rows[mirror + 1]);
        var even = h % 2 == 0;
        columns[2 * index] = 0.5f * (even ? fr + gr : fi + gi);
        columns[2 * index + 1] = 0.5f * (even ? fi - gi : gr - fr);
    }

    /// <summary>Sequence q, laid out [k][q], = H_2q[k] + i H_(2q+1)[k], H_h the Hermitian part of row h's one-sided spectrum.</summary>
    private static void PairRowsKernel(Index1D i, ArrayView<float> columns, ArrayView<float> rows, Sizes s)
    {
        int index = i;
        var q = index % s.Pairs;
        var k = index / s.Pairs % s.Width;
        var plane = index / (s.Pairs * s.Width) * s.Height * s.Columns;
        var mirror = (s.Width - k) % s.Width;
        var (ar, ai) = Hermitian(columns, plane + 2 * q * s.Columns, k, mirror, s.Columns);
        var (br, bi) = 2 * q + 1 < s.Height ? Hermitian(columns, plane + (2 * q + 1) * s.Columns, k, mirror, s.Columns) : (0f, 0f);
        rows[2 * index] = ar - bi;
        rows[2 * index + 1] = ai + br;
    }

    /// <summary>(Z[k] + conj Z[mirror]) / 2 of the row at <paramref name="row"/>, Z zero beyond the stored columns.</summary>
    private static (float Re, float Im) Hermitian(ArrayView<float> columns, int row, int k, int mirror, int stored)
    {
        var (zr, zi) = k < stored ? (columns[2 * (row + k)], columns[2 * (row + k) + 1]) : (0f, 0f);
        var (mr, mi) = mirror < stored ? (columns[2 * (row + mirror)], columns[2 * (row + mirror) + 1]) : (0f, 0f);
        return (0.5f * (zr + mr), 0.5f * (zi - mi));
    }

    /// <summary>Row h of the image: the real (even h) or imaginary (odd h) part of its pair's inverse.</summary>
    private static void UnpackRowsKernel(Index1D i, ArrayView<float> rows, ArrayView<float> image, Sizes s)
    {
        int index = i;
        var w = index % s.Width;
        var h = index / s.Width % s.Height;
        var plane = index / (s.Width * s.Height);
        image[index] = rows[2 * ((plane * s.Width + w) * s.Pairs + h / 2) + h % 2];
    }
}
