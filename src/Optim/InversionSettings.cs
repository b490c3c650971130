using DeepVis.Kernels.Image;
using DeepVis.Optim.Steps;

namespace DeepVis.Optim;

/// <summary>Where an inversion starts: random noise, or the dataset's mean image (0 in the normalized input).</summary>
public enum InversionStart
{
    Noise,
    Mean,
}

/// <summary>The update rule of an inversion.</summary>
public enum InversionOptimizer
{
    /// <summary>Vanilla descent at a constant per-image rate calibrated at the first step (the original inversion tools' update).</summary>
    Descent,

    /// <summary>Descent with momentum (Mahendran &amp; Vedaldi), calibrated the same way, shaped by the schedule.</summary>
    Momentum,

    /// <summary>Adam, the rate shaped by the schedule.</summary>
    Adam,
}

/// <summary>A Gaussian blur of <paramref name="Size"/> x <paramref name="Size"/> applied every <paramref name="Every"/> steps.</summary>
public sealed record BlurStep(int Size, int Every)
{
    /// <summary>The sigma torchvision picks for the size: 0.8 for 3x3, 1.4 for 7x7.</summary>
    public float Sigma => GaussianBlur.DefaultSigma(Size);
}

/// <summary>
/// How an inversion runs. The defaults are the original inversion tools' recipe (the <c>blur</c> preset): vanilla
/// gradient descent from noise on the relative feature loss, a periodic blur, the gradient clipped to
/// k standard deviations before each update and the image to k standard deviations after it; the
/// total-variation and alpha-norm priors, momentum, Adam and the pixel clamp are off. Images are in the
/// network's normalized input space. <see cref="InversionPresets"/> names the other combinations.
/// </summary>
public sealed record InversionSettings
{
    public int Iterations { get; init; } = 500;

    /// <summary>Iterations of a warm-started movie frame; null: a quarter of <see cref="Iterations"/>.</summary>
    public int? WarmIterations { get; init; }

    public InversionOptimizer Optimizer { get; init; } = InversionOptimizer.Descent;

    /// <summary>
    /// Descent and momentum: the first step's mean change per pixel (normalized units), the rate then
    /// constant per image (times the schedule). Adam: its step size (normalized units), times the schedule.
    /// </summary>
    public float LearningRate { get; init; } = 0.2f;

    /// <summary>How the rate changes over a run (momentum and Adam; plain descent keeps it constant).</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>The momentum of <see cref="InversionOptimizer.Momentum"/>.</summary>
    public float Momentum { get; init; } = 0.9f;

    /// <summary>Clamp every pixel to the displayable range (0..1 once denormalized) after each update.</summary>
    public bool ClampPixels { get; init; }

    public IReadOnlyList<BlurStep> Blur { get; init; } = [new(3, 10), new(7, 20)];

    /// <summary>Gradient clip at mean +- k std per image before the update; 0: no clip.</summary>
    public float GradientStdClip { get; init; } = 1.5f;

    /// <summary>Image clip at mean +- k std per image after the update; 0: no clip.</summary>
    public float ImageStdClip { get; init; } = 3f;

    /// <summary>Weight of the TV^beta prior; 0: off.</summary>
    public float TvWeight { get; init; }

    public float TvBeta { get; init; } = 2f;

    /// <summary>Weight lambda of the alpha-norm prior lambda * sum |x|^alpha; 0: off.</summary>
    public float AlphaNormWeight { get; init; }

    public float Alpha { get; init; } = 6f;

    public InversionStart Start { get; init; } = InversionStart.Noise;

    /// <summary>Runs from fresh noise per inversion; each image keeps the run of lowest feature loss (1: a single run).</summary>
    public int Restarts { get; init; } = 1;

    /// <summary>
    /// Resolutions optimized in turn, coarsest first, each about half the next (the largest size below
    /// that the network takes up to the layer) and upsampled to start the next; each runs the iterations.
    /// 1: the full size only.
    /// </summary>
    public int CoarseToFine { get; init; } = 1;

    /// <summary>Standard deviation of the starting noise in normalized units (1: the dataset's own spread).</summary>
    public float NoiseStd { get; init; } = 1f;

    /// <summary>The loss is read back (and reported) every this many steps.</summary>
    public int ReportEvery { get; init; } = 10;

    public int WarmIterationsOrDefault => WarmIterations ?? Math.Max(1, Iterations / 4);

    /// <summary>The first thing wrong with these settings for images of height x width, or null.</summary>
    public string? Problem(int height, int width) =>
        Problem() ?? Blur.Where(b => b.Size / 2 >= Math.Min(height, width))
            .Select(b => $"a {b.Size}x{b.Size} blur does not fit a {height}x{width} image").FirstOrDefault();

    /// <summary>The first thing wrong with these settings whatever the image size, or null.</summary>
    public string? Problem()
    {
        if (Iterations < 1) return $"iterations must be at least 1, got {Iterations}";
        if (WarmIterations is < 1) return $"warm iterations must be at least 1, got {WarmIterations}";
        if (!(LearningRate > 0f) || !float.IsFinite(LearningRate)) return $"learning rate must be a positive number, got {LearningRate}";
        if (Optimizer == InversionOptimizer.Descent && Schedule != LearningRateSchedule.Constant)
            return "plain descent keeps its calibrated rate constant: a schedule needs the momentum or adam optimizer";
        if (Schedule.Problem() is { } schedule) return schedule;
        if (!(Momentum is >= 0f and < 1f)) return $"momentum must lie in [0, 1), got {Momentum}";
        if (!(GradientStdClip >= 0f) || !float.IsFinite(GradientStdClip)) return $"grad std clip must be >= 0 (0: off), got {GradientStdClip}";
        if (!(ImageStdClip >= 0f) || !float.IsFinite(ImageStdClip)) return $"image std clip must be >= 0 (0: off), got {ImageStdClip}";
        if (!(TvWeight >= 0f) || !float.IsFinite(TvWeight)) return $"tv weight must be >= 0, got {TvWeight}";
        if (!(TvBeta >= 1f) || !float.IsFinite(TvBeta)) return $"tv beta must be >= 1, got {TvBeta}";
        if (!(AlphaNormWeight >= 0f) || !float.IsFinite(AlphaNormWeight)) return $"alpha norm weight must be >= 0, got {AlphaNormWeight}";
        if (!(Alpha >= 1f) || !float.IsFinite(Alpha)) return $"alpha must be >= 1, got {Alpha}";
        if (Restarts < 1) return $"restarts must be at least 1, got {Restarts}";
        if (CoarseToFine is < 1 or > 4) return $"coarse-to-fine levels must lie in 1..4, got {CoarseToFine}";
        if (Restarts > 1 && Start == InversionStart.Mean) return "restarts need the noise start: from the mean image every run is the same";
        if (!(NoiseStd >= 0f) || !float.IsFinite(NoiseStd)) return $"noise std must be >= 0, got {NoiseStd}";
        if (ReportEvery < 1) return $"report interval must be at least 1, got {ReportEvery}";
        foreach (var blur in Blur)
        {
            if (blur.Size < 1 || blur.Size % 2 == 0) return $"blur size must be a positive odd number, got {blur.Size}";
            if (blur.Every < 1) return $"blur interval must be at least 1 step, got {blur.Every}";
        }
        return null;
    }
}
