using System.Globalization;

namespace DeepVis.Optim;

/// <summary>
/// One octave of a class visualization: the image side is <see cref="Scale"/> times the base size,
/// optimized for <see cref="Iterations"/> steps while the blur sigma (in pixels of this octave's image)
/// goes linearly from <see cref="StartSigma"/> to <see cref="EndSigma"/>.
/// </summary>
public sealed record Octave(float Scale, int Iterations, float StartSigma, float EndSigma)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Scale:G}:{Iterations}:{StartSigma:G}:{EndSigma:G}");
}

/// <summary>Bilateral filtering between steps: spatial sigma in pixels, range sigma in pixel values (0..1), every K steps.</summary>
public sealed record BilateralSettings(float SigmaSpace, float SigmaRange, int Every)
{
    public static readonly BilateralSettings Default = new(1f, 0.1f, 10);
}

/// <summary>TV (split Bregman) denoising between steps: the TV weight on pixel values (0..1), every K steps.</summary>
public sealed record TvDenoiseSettings(float Weight, int Every)
{
    public static readonly TvDenoiseSettings Default = new(0.02f, 10);
}

/// <summary>
/// How a class visualization runs (Simonyan et al.: maximize the class logit S_c(x) - l2 * ||x||^2,
/// x the normalized input image). Every default here is what <c>deepvis class</c> uses.
/// </summary>
public sealed record ClassSettings
{
    /// <summary>
    /// Coarse to fine: half size, three quarters, full size; a blur that anneals within each octave
    /// lets large shapes form first and detail only at the end. Tuned on the Fashion-MNIST mini-vgg
    /// with weights-converter/training/tune_class.py (eight seeds, from noise and from black): more
    /// blur or more steps let the shirt drift towards its neighbours (t-shirt, coat); the previous
    /// schedule (sigma 1.0 to 0.3) with a step of 0.05 left the sneaker at 0.3 to 0.8 from noise. This
    /// one with a step of 0.1 kept every class at 0.97 or more in PyTorch and 0.99 or more here
    /// (docs/quality.md).
    /// </summary>
    public static readonly IReadOnlyList<Octave> DefaultOctaves =
    [
        new(0.5f, 30, 0.8f, 0.4f),
        new(0.75f, 30, 0.6f, 0.3f),
        new(1f, 40, 0.5f, 0.2f),
    ];

    public const float DefaultStepSize = 0.1f;

    public const float DefaultL2 = 0.01f;

    public const float DefaultNoise = 0.1f;

    public const int DefaultJitter = 1;

    public IReadOnlyList<Octave> Octaves { get; init; } = DefaultOctaves;

    /// <summary>Side of the full-size (scale 1) image; null: the model's input size.</summary>
    public int? Size { get; init; }

    /// <summary>Each step moves the image by StepSize * g / mean|g| (normalized input units), per image.</summary>
    public float StepSize { get; init; } = DefaultStepSize;

    /// <summary>lambda of the L2 penalty on the normalized image.</summary>
    public float L2 { get; init; } = DefaultL2;

    /// <summary>
    /// The starting colour, RGB in 0..1 (a grayscale model takes its luma 0.299 R + 0.587 G + 0.114 B);
    /// null: the dataset's mean colour plus Gaussian pixel noise of std <see cref="Noise"/>.
    /// </summary>
    public float[]? Background { get; init; }

    public float Noise { get; init; } = DefaultNoise;

    /// <summary>Random shift of up to this many pixels before each forward pass (0: none); it keeps pixel-level noise from paying off.</summary>
    public int Jitter { get; init; } = DefaultJitter;

    public BilateralSettings? Bilateral { get; init; }

    public TvDenoiseSettings? TvDenoise { get; init; }

    /// <summary>The first setting out of its range, or null; checked before a run allocates anything.</summary>
    public string? Problem()
    {
        if (Octaves.Count == 0) return "class visualization: expected at least one octave";
        foreach (var (o, n) in Octaves.Select((o, i) => (o, i + 1)))
        {
            if (!(o.Scale > 0) || !float.IsFinite(o.Scale)) return $"octave {n}: scale must be above 0, got {o.Scale}";
            if (o.Iterations < 1) return $"octave {n}: iterations must be at least 1, got {o.Iterations}";
            if (!Finite.NonNegative(o.StartSigma) || !Finite.NonNegative(o.EndSigma))
                return $"octave {n}: blur sigmas must be at least 0, got {o.StartSigma} and {o.EndSigma}";
        }
        if (Size is < 1) return $"class image size must be at least 1, got {Size}";
        if (!Finite.Positive(StepSize)) return $"class step size must be above 0, got {StepSize}";
        if (!Finite.NonNegative(L2)) return $"L2 penalty must be at least 0, got {L2}";
        if (!Finite.NonNegative(Noise)) return $"start noise must be at least 0, got {Noise}";
        if (Jitter < 0) return $"jitter must be at least 0 pixels, got {Jitter}";
        if (Background is { } rgb && (rgb.Length != 3 || rgb.Any(v => !(v is >= 0 and <= 1))))
            return $"background must be 3 values R,G,B in 0..1, got {string.Join(",", rgb)}";
        if (Bilateral is { } b && (!Finite.Positive(b.SigmaSpace) || !Finite.Positive(b.SigmaRange) || b.Every < 1))
            return $"bilateral filter: sigmas must be above 0 and the interval at least 1 step, got {b.SigmaSpace}, {b.SigmaRange}, {b.Every}";
        if (TvDenoise is { } tv && (!Finite.Positive(tv.Weight) || tv.Every < 1))
            return $"TV denoising: the weight must be above 0 and the interval at least 1 step, got {tv.Weight}, {tv.Every}";
        return null;
    }

    /// <summary>The image side of each octave for a base size: round(scale * size), at least 1.</summary>
    public IReadOnlyList<int> OctaveSizes(int baseSize) => [.. Octaves.Select(o => Math.Max(1, (int)MathF.Round(o.Scale * baseSize)))];
}
