using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.InteropServices;

namespace DeepVis.Kernels.Image;

/// <summary>
/// The forward complex DFT of one length n, X[k] = sum_j x[j] e^(-2 pi i j k / n), on the cpu device,
/// for many sequences at once: the data are [n][stride] real parts followed by [n][stride] imaginary
/// parts, element j of sequence l at j * stride + l, and every butterfly runs on whole
/// <see cref="Vector{T}"/>s of sequences (stride is a multiple of <see cref="Vector{T}.Count"/>).
/// Stockham autosort stages of radix 4, 2, 3 and any other (odd) prime up to <see cref="LargestRadix"/>
/// (ping-ponging between two buffers, no bit reversal); a length with a larger prime factor goes through
/// Bluestein's chirp convolution on a 2^a 3^b 5^c length. Plans and twiddles are made once per length.
/// </summary>
internal sealed class ComplexFft
{
    /// <summary>A larger prime factor costs more as an O(p) butterfly per element than Bluestein's three smooth transforms.</summary>
    public const int LargestRadix = 37;

    private static readonly ConcurrentDictionary<int, ComplexFft> Plans = new();

    /// <summary>One radix-<see cref="Radix"/> pass after stages of combined length <see cref="Span"/>; twiddle of (j mod Span, r) at [j mod Span][r].</summary>
    private sealed class Stage(int radix, int span)
    {
        public readonly int Radix = radix;
        public readonly int Span = span;
        public readonly float[] TwiddleRe = new float[span * radix];
        public readonly float[] TwiddleIm = new float[span * radix];
        /// <summary>cos and sin of 2 pi q / radix, for the general butterfly.</summary>
        public readonly float[] RootCos = new float[radix];
        public readonly float[] RootSin = new float[radix];
    }

    /// <summary>Bluestein's chirp w[j] = e^(-i pi j^2 / n) and the transform of its conjugate, over the smooth length, divided by that length.</summary>
    private sealed class Chirp(ComplexFft inner, float[] re, float[] im, float[] kernelRe, float[] kernelIm)
    {
        public readonly ComplexFft Inner = inner;
        public readonly float[] Re = re, Im = im, KernelRe = kernelRe, KernelIm = kernelIm;
    }

    private readonly Stage[] _stages;
    private readonly Chirp? _chirp;

    /// <summary>The transform's length.</summary>
    public int Length { get; }

    private ComplexFft(int length)
    {
        Length = length;
        var radices = Radices(length);
        if (radices.Length > 0 && radices[^1] > LargestRadix)
        {
            _stages = [];
            _chirp = MakeChirp(length);
            return;
        }
        _stages = new Stage[radices.Length];
        var span = 1;
        for (var s = 0; s < radices.Length; s++)
        {
            _stages[s] = MakeStage(radices[s], span);
            span *= radices[s];
        }
    }

    /// <summary>The plan for <paramref name="length"/>, made on first use.</summary>
    public static ComplexFft For(int length) => Plans.GetOrAdd(length, static n => new ComplexFft(n));

    /// <summary>
    /// n's prime factors as Stockham radices: fours first (a radix-4 pass does two radix-2 passes' work
    /// in one sweep), then a two, then the odd primes ascending; none for n = 1.
    /// </summary>
    public static int[] Radices(int n)
    {
        var radices = new List<int>();
        for (; n % 4 == 0; n /= 4) radices.Add(4);
        for (; n % 2 == 0; n /= 2) radices.Add(2);
        for (var p = 3; p <= n / p; p += 2)
            for (; n % p == 0; n /= p) radices.Add(p);
        if (n > 1) radices.Add(n);
        return [.. radices];
    }

    /// <summary>Floats of work memory <see cref="Forward"/> needs beyond its two buffers, for <paramref name="stride"/>.</summary>
    public long WorkFloats(int stride) => _chirp is { } c ? 4L * c.Inner.Length * stride : 0;

    /// <summary>
    /// Transforms the sequences in <paramref name="data"/> (2 n stride floats used), with
    /// <paramref name="other"/> as the second buffer of the same size and <paramref name="work"/> of
    /// <see cref="WorkFloats"/>; returns whichever of the two buffers holds the result.
    /// </summary>
    public Span<float> Forward(Span<float> data, Span<float> other, Span<float> work, int stride)
    {
        if (_chirp is { } chirp)
        {
            Bluestein(chirp, data, work, stride);
            return data;
        }
        var floats = 2 * Length * stride;
        var from = data[..floats];
        var to = other[..floats];
        foreach (var stage in _stages)
        {
            Run(stage, from, to, stride);
            var read = from;
            from = to;
            to = read;
        }
        return from;
    }

    private static Stage MakeStage(int radix, int span)
    {
        var stage = new Stage(radix, span);
        var period = span * radix;
        for (var j = 0; j < span; j++)
            for (var r = 0; r < radix; r++)
            {
                var t = -2 * Math.PI * (j * r % period) / period;
                (stage.TwiddleRe[j * radix + r], stage.TwiddleIm[j * radix + r]) = ((float)Math.Cos(t), (float)Math.Sin(t));
            }
        for (var q = 0; q < radix; q++)
        {
            var t = 2 * Math.PI * q / radix;
            (stage.RootCos[q], stage.RootSin[q]) = ((float)Math.Cos(t), (float)Math.Sin(t));
        }
        return stage;
    }

    private static Chirp MakeChirp(int n)
    {
        var m = SmoothLength(2 * n - 1);
        var (re, im) = (new float[n], new float[n]);
        var (chirpRe, chirpIm) = (new double[n], new double[n]);
        for (long j = 0; j < n; j++)
        {
            // j^2 mod 2n keeps the angle exact for large j.
            var t = -Math.PI * (j * j % (2L * n)) / n;
            (chirpRe[j], chirpIm[j]) = (Math.Cos(t), Math.Sin(t));
            (re[j], im[j]) = ((float)chirpRe[j], (float)chirpIm[j]);
        }
        // The kernel b[j] = conj(w[|j|]) on the circle of m, transformed in double and divided by m.
        var (kernelRe, kernelIm) = (new float[m], new float[m]);
        for (var k = 0; k < m; k++)
        {
            double sumRe = 0, sumIm = 0;
            for (var j = -(n - 1); j < n; j++)
            {
                var at = (j + m) % m;
                var t = -2 * Math.PI * ((long)at * k % m) / m;
                var (br, bi) = (chirpRe[Math.Abs(j)], -chirpIm[Math.Abs(j)]);
                var (c, s) = (Math.Cos(t), Math.Sin(t));
                sumRe += br * c - bi * s;
                sumIm += br * s + bi * c;
            }
            (kernelRe[k], kernelIm[k]) = ((float)(sumRe / m), (float)(sumIm / m));
        }
        return new Chirp(For(m), re, im, kernelRe, kernelIm);
    }

    /// <summary>The least 2^a 3^b 5^c at or above <paramref name="n"/>.</summary>
    private static int SmoothLength(int n)
    {
        for (var m = n; ; m++)
        {
            var rest = m;
            foreach (var p in (ReadOnlySpan<int>)[2, 3, 5])
                while (rest % p == 0) rest /= p;
            if (rest == 1) return m;
        }
    }

    /// <summary>
    /// X[k] = w[k] sum_j (x[j] w[j]) conj(w[k - j]): the chirp-weighted input, zero-padded to m,
    /// convolved with the kernel by two transforms of length m (the inverse as the conjugate of the
    /// forward of the conjugate), then weighted again.
    /// </summary>
    private static void Bluestein(Chirp chirp, Span<float> data, Span<float> work, int stride)
    {
        var (n, m, vectors) = (chirp.Re.Length, chirp.Inner.Length, stride / Vector<float>.Count);
        var a = work[..(2 * m * stride)];
        var b = work.Slice(2 * m * stride, 2 * m * stride);
        var xr = Halves(data, n * stride, out var xi);
        var ar = Halves(a, m * stride, out var ai);
        for (var j = 0; j < n; j++)
            for (var v = 0; v < vectors; v++)
                Multiply(xr[j * vectors + v], xi[j * vectors + v], chirp.Re[j], chirp.Im[j], out ar[j * vectors + v], out ai[j * vectors + v]);
        a[(n * stride)..(m * stride)].Clear();
        a[((m + n) * stride)..].Clear();
        var spectrum = chirp.Inner.Forward(a, b, [], stride);
        var sr = Halves(spectrum, m * stride, out var si);
        for (var k = 0; k < m; k++)
            for (var v = 0; v < vectors; v++)
            {
                Multiply(sr[k * vectors + v], si[k * vectors + v], chirp.KernelRe[k], chirp.KernelIm[k], out var pr, out var pi);
                (sr[k * vectors + v], si[k * vectors + v]) = (pr, -pi);
            }
        var convolved = chirp.Inner.Forward(spectrum, spectrum.Overlaps(a) ? b : a, [], stride);
        var cr = Halves(convolved, m * stride, out var ci);
        for (var k = 0; k < n; k++)
            for (var v = 0; v < vectors; v++)
                Multiply(cr[k * vectors + v], -ci[k * vectors + v], chirp.Re[k], chirp.Im[k], out xr[k * vectors + v], out xi[k * vectors + v]);
    }

    /// <summary>The real and imaginary halves of a buffer (<paramref name="floats"/> each) as vectors.</summary>
    private static Span<Vector<float>> Halves(Span<float> buffer, int floats, out Span<Vector<float>> im)
    {
        im = MemoryMarshal.Cast<float, Vector<float>>(buffer.Slice(floats, floats));
        return MemoryMarshal.Cast<float, Vector<float>>(buffer[..floats]);
    }

    private static void Multiply(Vector<float> xr, Vector<float> xi, float wr, float wi, out Vector<float> re, out Vector<float> im)
    {
        re = xr * wr - xi * wi;
        im = xr * wi + xi * wr;
    }

    /// <summary>
    /// One Stockham pass: butterfly j takes x[j + r n / R] for r in [0, R), twiddled by
    /// e^(-2 pi i (j mod S) r / (S R)), and writes its R outputs to (j / S) S R + (j mod S) + q S.
    /// </summary>
    private static void Run(Stage stage, Span<float> from, Span<float> to, int stride)
    {
        var n = from.Length / (2 * stride);
        var vectors = stride / Vector<float>.Count;
        var (radix, span) = (stage.Radix, stage.Span);
        var butterflies = n / radix;
        var pass = new Pass(Halves(from, n * stride, out var xi), xi, Halves(to, n * stride, out var yi), yi,
            butterflies * vectors, span * vectors, vectors);
        Span<Vector<float>> general = stackalloc Vector<float>[radix > 4 ? 4 * radix : 0];
        for (var j = 0; j < butterflies; j++)
        {
            var twiddle = j % span * radix;
            var (input, output) = (j * vectors, (j / span * span * radix + j % span) * vectors);
            switch (radix)
            {
                case 2: pass.Radix2(input, output, stage.TwiddleRe[twiddle + 1], stage.TwiddleIm[twiddle + 1]); break;
                case 3: pass.Radix3(input, output, stage, twiddle); break;
                case 4: pass.Radix4(input, output, stage, twiddle); break;
                default: pass.General(input, output, stage, twiddle, general); break;
            }
        }
    }

    /// <summary>
    /// One pass's buffers and strides in vectors: butterfly inputs are <see cref="_inStep"/> apart,
    /// outputs <see cref="_outStep"/>; each butterfly runs over all <see cref="_vectors"/> vectors of sequences.
    /// </summary>
    private readonly ref struct Pass(Span<Vector<float>> xr, Span<Vector<float>> xi, Span<Vector<float>> yr, Span<Vector<float>> yi,
        int inStep, int outStep, int vectors)
    {
        private readonly Span<Vector<float>> _xr = xr, _xi = xi, _yr = yr, _yi = yi;
        private readonly int _inStep = inStep, _outStep = outStep, _vectors = vectors;

        public void Radix2(int input, int output, float wr, float wi)
        {
            for (var v = 0; v < _vectors; v++)
            {
                var (a0r, a0i) = (_xr[input + v], _xi[input + v]);
                Multiply(_xr[input + _inStep + v], _xi[input + _inStep + v], wr, wi, out var a1r, out var a1i);
                (_yr[output + v], _yi[output + v]) = (a0r + a1r, a0i + a1i);
                (_yr[output + _outStep + v], _yi[output + _outStep + v]) = (a0r - a1r, a0i - a1i);
            }
        }

        /// <summary>y1,2 = a0 - s / 2 -+ i (sqrt(3) / 2) d, s = a1 + a2, d = a1 - a2.</summary>
        public void Radix3(int input, int output, Stage stage, int twiddle)
        {
            const float half = 0.8660254037844386f;
            var (w1r, w1i, w2r, w2i) = (stage.TwiddleRe[twiddle + 1], stage.TwiddleIm[twiddle + 1], stage.TwiddleRe[twiddle + 2], stage.TwiddleIm[twiddle + 2]);
            for (var v = 0; v < _vectors; v++)
            {
                var (a0r, a0i) = (_xr[input + v], _xi[input + v]);
                Multiply(_xr[input + _inStep + v], _xi[input + _inStep + v], w1r, w1i, out var a1r, out var a1i);
                Multiply(_xr[input + 2 * _inStep + v], _xi[input + 2 * _inStep + v], w2r, w2i, out var a2r, out var a2i);
                var (sr, si, dr, di) = (a1r + a2r, a1i + a2i, a1r - a2r, a1i - a2i);
                var (mr, mi) = (a0r - 0.5f * sr, a0i - 0.5f * si);
                (_yr[output + v], _yi[output + v]) = (a0r + sr, a0i + si);
                (_yr[output + _outStep + v], _yi[output + _outStep + v]) = (mr + half * di, mi - half * dr);
                (_yr[output + 2 * _outStep + v], _yi[output + 2 * _outStep + v]) = (mr - half * di, mi + half * dr);
            }
        }

        /// <summary>y0,2 = (a0 + a2) +- (a1 + a3), y1,3 = (a0 - a2) -+ i (a1 - a3).</summary>
        public void Radix4(int input, int output, Stage stage, int twiddle)
        {
            var (w1r, w1i, w2r, w2i) = (stage.TwiddleRe[twiddle + 1], stage.TwiddleIm[twiddle + 1], stage.TwiddleRe[twiddle + 2], stage.TwiddleIm[twiddle + 2]);
            var (w3r, w3i) = (stage.TwiddleRe[twiddle + 3], stage.TwiddleIm[twiddle + 3]);
            for (var v = 0; v < _vectors; v++)
            {
                var (a0r, a0i) = (_xr[input + v], _xi[input + v]);
                Multiply(_xr[input + _inStep + v], _xi[input + _inStep + v], w1r, w1i, out var a1r, out var a1i);
                Multiply(_xr[input + 2 * _inStep + v], _xi[input + 2 * _inStep + v], w2r, w2i, out var a2r, out var a2i);
                Multiply(_xr[input + 3 * _inStep + v], _xi[input + 3 * _inStep + v], w3r, w3i, out var a3r, out var a3i);
                var (t0r, t0i, t1r, t1i) = (a0r + a2r, a0i + a2i, a0r - a2r, a0i - a2i);
                var (t2r, t2i, t3r, t3i) = (a1r + a3r, a1i + a3i, a1r - a3r, a1i - a3i);
                (_yr[output + v], _yi[output + v]) = (t0r + t2r, t0i + t2i);
                (_yr[output + _outStep + v], _yi[output + _outStep + v]) = (t1r + t3i, t1i - t3r);
                (_yr[output + 2 * _outStep + v], _yi[output + 2 * _outStep + v]) = (t0r - t2r, t0i - t2i);
                (_yr[output + 3 * _outStep + v], _yi[output + 3 * _outStep + v]) = (t1r - t3i, t1i + t3r);
            }
        }

        /// <summary>
        /// An odd prime radix R from conjugate pairs: with s_r = t_r + t_(R-r), d_r = t_r - t_(R-r) and
        /// A = t_0 + sum s_r cos(2 pi r q / R), B = sum d_r sin(2 pi r q / R) over r in [1, R/2),
        /// y_q = A - i B and y_(R-q) = A + i B: a quarter of the direct sum's multiplications.
        /// <paramref name="t"/> holds 4 R vectors.
        /// </summary>
        public void General(int input, int output, Stage stage, int twiddle, Span<Vector<float>> t)
        {
            var (radix, half) = (stage.Radix, stage.Radix / 2);
            var tr = t[..radix];
            var ti = t.Slice(radix, radix);
            var sr = t.Slice(2 * radix, half);
            var si = t.Slice(2 * radix + half, half);
            var dr = t.Slice(3 * radix, half);
            var di = t.Slice(3 * radix + half, half);
            for (var v = 0; v < _vectors; v++)
            {
                for (var r = 0; r < radix; r++)
                {
                    var at = input + r * _inStep + v;
                    Multiply(_xr[at], _xi[at], stage.TwiddleRe[twiddle + r], stage.TwiddleIm[twiddle + r], out tr[r], out ti[r]);
                }
                Vector<float> dcRe = tr[0], dcIm = ti[0];
                for (var r = 1; r <= half; r++)
                {
                    (sr[r - 1], si[r - 1], dr[r - 1], di[r - 1]) = (tr[r] + tr[radix - r], ti[r] + ti[radix - r], tr[r] - tr[radix - r], ti[r] - ti[radix - r]);
                    dcRe += sr[r - 1];
                    dcIm += si[r - 1];
                }
                (_yr[output + v], _yi[output + v]) = (dcRe, dcIm);
                for (var q = 1; q <= half; q++)
                {
                    Vector<float> ar = tr[0], ai = ti[0], br = Vector<float>.Zero, bi = Vector<float>.Zero;
                    for (var r = 1; r <= half; r++)
                    {
                        var root = r * q % radix;
                        var (cos, sin) = (stage.RootCos[root], stage.RootSin[root]);
                        ar += sr[r - 1] * cos;
                        ai += si[r - 1] * cos;
                        br += dr[r - 1] * sin;
                        bi += di[r - 1] * sin;
                    }
                    (_yr[output + q * _outStep + v], _yi[output + q * _outStep + v]) = (ar + bi, ai - br);
                    (_yr[output + (radix - q) * _outStep + v], _yi[output + (radix - q) * _outStep + v]) = (ar - bi, ai + br);
                }
            }
        }
    }
}
