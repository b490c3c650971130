using System.Globalization;

namespace DeepVis.Optim.Transforms;

/// <summary>
/// One of Lucid's random image transforms, as a change of size and a map from its output pixels to
/// its input pixels. A chain of them composes into one affine map per image and step, which
/// <see cref="DeepVis.Kernels.Image.AffineSample"/> applies in one bilinear pass.
/// </summary>
public abstract record Transform
{
    /// <summary>For an input of <paramref name="height"/> x <paramref name="width"/>: the output size and where output pixels read.</summary>
    public abstract (int Height, int Width, AffineMap Map) Draw(int height, int width, Random random);

    /// <summary>How it is written in a --transforms list.</summary>
    public abstract string Text { get; }

    private static string Number(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>Lucid's pad: <paramref name="Pixels"/> of the constant padding value on every side.</summary>
    public sealed record Pad(int Pixels) : Transform
    {
        public override (int, int, AffineMap) Draw(int height, int width, Random random) =>
            (height + 2 * Pixels, width + 2 * Pixels, AffineMap.Shift(-Pixels, -Pixels));

        public override string Text => $"pad:{Pixels}";
    }

    /// <summary>Lucid's jitter: a crop <paramref name="Pixels"/> smaller, at a random offset in 0..Pixels per axis.</summary>
    public sealed record Jitter(int Pixels) : Transform
    {
        public override (int, int, AffineMap) Draw(int height, int width, Random random) =>
            (height - Pixels, width - Pixels, AffineMap.Shift(random.Next(Pixels + 1), random.Next(Pixels + 1)));

        public override string Text => $"jitter:{Pixels}";
    }

    /// <summary>A fixed shift of the content by (<paramref name="X"/>, <paramref name="Y"/>) pixels, the same size (for measuring robustness).</summary>
    public sealed record Shift(int X, int Y) : Transform
    {
        public override (int, int, AffineMap) Draw(int height, int width, Random random) => (height, width, AffineMap.Shift(-X, -Y));

        public override string Text => $"shift:{X}/{Y}";
    }

    /// <summary>Lucid's random_scale: a bilinear resize by one of <paramref name="Factors"/> (half-pixel centres).</summary>
    public sealed record Scale(IReadOnlyList<double> Factors) : Transform
    {
        public override (int, int, AffineMap) Draw(int height, int width, Random random)
        {
            var s = Factors[random.Next(Factors.Count)];
            var (h, w) = (Math.Max(1, (int)Math.Round(height * s)), Math.Max(1, (int)Math.Round(width * s)));
            var (sx, sy) = ((double)width / w, (double)height / h);
            return (h, w, new AffineMap(sx, 0, 0.5 * sx - 0.5, 0, sy, 0.5 * sy - 0.5));
        }

        /// <summary>LO-HI when the factors are the eleven even steps that form parses to, else the list.</summary>
        public override string Text =>
            Factors.Count == 11 && Factors.Select((f, i) => Math.Abs(f - (Factors[0] + (Factors[10] - Factors[0]) * i / 10)) < 1e-9).All(b => b)
                ? $"scale:{Number(Factors[0])}-{Number(Factors[10])}"
                : $"scale:{string.Join("/", Factors.Select(Number))}";
    }

    /// <summary>Lucid's random_rotate: a rotation about the centre by one of <paramref name="Degrees"/>.</summary>
    public sealed record Rotate(IReadOnlyList<double> Degrees) : Transform
    {
        public override (int, int, AffineMap) Draw(int height, int width, Random random)
        {
            var angle = Degrees[random.Next(Degrees.Count)] * Math.PI / 180;
            var (c, s) = (Math.Cos(angle), Math.Sin(angle));
            var (cx, cy) = ((width - 1) / 2.0, (height - 1) / 2.0);
            return (height, width, new AffineMap(c, -s, cx - c * cx + s * cy, s, c, cy - s * cx - c * cy));
        }

        /// <summary>D when the angles are every whole degree in -D..D, else the list.</summary>
        public override string Text =>
            Degrees.Count % 2 == 1 && Degrees.Select((d, i) => d == i - Degrees.Count / 2).All(b => b)
                ? $"rotate:{Degrees.Count / 2}"
                : $"rotate:{string.Join("/", Degrees.Select(Number))}";
    }
}
