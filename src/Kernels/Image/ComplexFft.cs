using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.InteropServices;

namespace DeepVis.Kernels.Image;

/// <summary>
/// The forward complex DFT of one length n, X[k] = sum_j x[j] e^(-2 pi i j k / n), on the cpu device,
/// for many sequences at once: the data are [n][stride] real parts followed by [n][stride] imaginary
/// parts, element j of sequence l at j * stride + l, and every butterfly runs on whole
/// <see cref="Vector{T}"/>s of sequences (stride is a multiple of <see cref="Vector{T}.Count"/>).
/// Stockham autosort stages of radix 4, 2, 3 and any other prime up to <see cref="LargestRadix"/>
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
        /// <summary>e^(-2 pi i q / radix), for the general butterfly.</summary>
        public readonly float[] RootRe = new float[radix];
        public readonly float[] RootIm = new float[radix];
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
            var t = -2 * Math.PI * q / radix;
            (stage.RootRe[q], stage.RootIm[q]) = ((float)Math.Cos(t), (float)Math.Sin(t));
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
        var xr = Halves(from, n * stride, out var xi);
        var yr = Halves(to, n * stride, out var yi);
        var (radix, span) = (stage.Radix, stage.Span);
        var butterflies = n / radix;
        Span<Vector<float>> tr = stackalloc Vector<float>[radix];
        Span<Vector<float>> ti = stackalloc Vector<float>[radix];
        for (var j = 0; j < butterflies; j++)
        {
            var twiddle = j % span * radix;
            var output = (j / span * span * radix + j % span) * vectors;
            for (var v = 0; v < vectors; v++)
            {
                tr[0] = xr[j * vectors + v];
                ti[0] = xi[j * vectors + v];
                for (var r = 1; r < radix; r++)
                {
                    var at = (j + r * butterflies) * vectors + v;
                    Multiply(xr[at], xi[at], stage.TwiddleRe[twiddle + r], stage.TwiddleIm[twiddle + r], out tr[r], out ti[r]);
                }
                Butterfly(stage, tr, ti);
                for (var q = 0; q < radix; q++)
                    (yr[output + q * span * vectors + v], yi[output + q * span * vectors + v]) = (tr[q], ti[q]);
            }
        }
    }

    /// <summary>t = DFT_R(t) in place: closed forms for 2, 3 and 4, the direct sum over the roots otherwise.</summary>
    private static void Butterfly(Stage stage, Span<Vector<float>> re, Span<Vector<float>> im)
    {
        switch (stage.Radix)
        {
            case 2:
                (re[0], im[0], re[1], im[1]) = (re[0] + re[1], im[0] + im[1], re[0] - re[1], im[0] - im[1]);
                return;
            case 3:
            {
                // y1,2 = a0 - s / 2 -+ i (sqrt(3) / 2) d, s = a1 + a2, d = a1 - a2.
                const float half = 0.8660254037844386f;
                var (sr, si, dr, di) = (re[1] + re[2], im[1] + im[2], re[1] - re[2], im[1] - im[2]);
                var (mr, mi) = (re[0] - 0.5f * sr, im[0] - 0.5f * si);
                (re[0], im[0]) = (re[0] + sr, im[0] + si);
                (re[1], im[1], re[2], im[2]) = (mr + half * di, mi - half * dr, mr - half * di, mi + half * dr);
                return;
            }
            case 4:
            {
                // y1,3 = (a0 - a2) -+ i (a1 - a3).
                var (t0r, t0i, t1r, t1i) = (re[0] + re[2], im[0] + im[2], re[0] - re[2], im[0] - im[2]);
                var (t2r, t2i, t3r, t3i) = (re[1] + re[3], im[1] + im[3], re[1] - re[3], im[1] - im[3]);
                (re[0], im[0], re[2], im[2]) = (t0r + t2r, t0i + t2i, t0r - t2r, t0i - t2i);
                (re[1], im[1], re[3], im[3]) = (t1r + t3i, t1i - t3r, t1r - t3i, t1i + t3r);
                return;
            }
        }
        var radix = stage.Radix;
        Span<Vector<float>> sum = stackalloc Vector<float>[2 * radix];
        for (var q = 0; q < radix; q++)
        {
            Vector<float> accRe = re[0], accIm = im[0];
            for (var r = 1; r < radix; r++)
            {
                var root = r * q % radix;
                Multiply(re[r], im[r], stage.RootRe[root], stage.RootIm[root], out var pr, out var pi);
                accRe += pr;
                accIm += pi;
            }
            (sum[q], sum[radix + q]) = (accRe, accIm);
        }
        sum[..radix].CopyTo(re);
        sum[radix..].CopyTo(im);
    }
}
