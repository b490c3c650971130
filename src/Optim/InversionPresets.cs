using DeepVis.Nets.Weights;
using DeepVis.Optim.Steps;

namespace DeepVis.Optim;

/// <summary>
/// Named inversion settings, each for the look it reproduces:
/// <c>blur</c>, the original inversion tools' recipe (vanilla descent, periodic blurs, std clips: pleasant, blurry);
/// <c>mahendran</c>, Mahendran &amp; Vedaldi's objective (TV^2 and alpha-norm 6 priors, weighted as in
/// their paper, descent with momentum 0.9): close at early layers, natural-looking at deep ones;
/// <c>exact</c>, Adam on the feature loss alone with the pixels kept displayable: the most faithful
/// reconstruction an early layer allows, and noisy images from deep layers.
/// </summary>
public static class InversionPresets
{
    public const string Blur = "blur";
    public const string Mahendran = "mahendran";
    public const string Exact = "exact";

    /// <summary>The preset the command line uses when none is named.</summary>
    public const string Default = Mahendran;

    public static readonly IReadOnlyList<string> Names = [Blur, Mahendran, Exact];

    /// <summary>
    /// The preset's settings for a model's images of height x width inverted from a layer whose maps have
    /// <paramref name="layerShape"/> ([N, C, H, W], or [N, F] for a flat layer); null for an unknown name.
    /// </summary>
    public static InversionSettings? For(string name, ModelInfo info, int height, int width, int[] layerShape) => name switch
    {
        Blur => new InversionSettings(),
        Mahendran => MahendranVedaldi(info, height, width, Downsampling(height, layerShape)),
        Exact => new InversionSettings
        {
            Iterations = 200,
            Optimizer = InversionOptimizer.Adam,
            // 0.05 of the pixel range per step: Adam's first steps move every pixel by about its rate.
            LearningRate = 0.05f * info.InputRange / info.Std.Average(),
            Schedule = LearningRateSchedule.Cosine,
            Blur = [],
            GradientStdClip = 0f,
            ImageStdClip = 0f,
            ClampPixels = true,
        },
        _ => null,
    };

    /// <summary>How many image pixels one position of the layer's maps spans along the height (the whole image for a flat layer).</summary>
    public static float Downsampling(int height, int[] layerShape) =>
        layerShape.Length == 4 ? (float)height / layerShape[2] : height;

    /// <summary>
    /// Their weighting (IJCV 2016, section 3.3) in the model's normalized units: the feature loss
    /// ||F(x) - F0||^2 / ||F0||^2 plus lambda_a / (H W B^a) sum |x|^a plus lambda_TV / (H W V^2) TV^2(x),
    /// with B the farthest a displayable pixel lies from the mean (the alpha-norm then acts as a soft box at
    /// the pixel range) and V = B / 6.5 their typical pixel difference. The objective here is half that
    /// feature loss, so the priors are halved too. Their lambdas were tuned per network and layer; these
    /// (lambda_a 0.1, lambda_TV 0.05) gave the default model the best PSNR at relu2_2 among 0.05, 0.5 and 5
    /// for TV and 0, 0.1 and 1 for the alpha-norm, without blurring relu1_1 (docs/quality.md has the measurements).
    /// Like theirs, lambda_TV grows with depth: it doubles with each halving of the maps past the second,
    /// which on the ImageNet ResNet-18 turned layer4's colour noise into a smooth image (PSNR falls steadily
    /// from the stem to layer4 instead of collapsing) and leaves the default model's layers as tuned.
    /// </summary>
    private static InversionSettings MahendranVedaldi(ModelInfo info, int height, int width, float downsampling)
    {
        const float alpha = 6f, beta = 2f, lambdaAlpha = 0.1f;
        var lambdaTv = 0.05f * Math.Max(1f, downsampling / 2f);
        var bound = Enumerable.Range(0, info.Std.Length)
            .Max(c => Math.Max(info.Mean[c], info.InputRange - info.Mean[c]) / info.Std[c]);
        var variation = bound / 6.5f;
        var pixels = (float)height * width;
        // Normalized units per pixel range: the rate and the starting noise are fractions of the range,
        // so a 0..255 model without std division (the CNTK ResNet-18) moves as far as a 0..1 one.
        var unit = info.InputRange / info.Std.Average();
        return new InversionSettings
        {
            Iterations = 200,
            Optimizer = InversionOptimizer.Momentum,
            Momentum = 0.9f,
            LearningRate = 0.007f * unit,
            NoiseStd = 0.35f * unit,
            // Their rate falls tenfold for the last steps, to settle.
            Schedule = LearningRateSchedule.Stepped(150, 0.1f),
            Blur = [],
            GradientStdClip = 0f,
            ImageStdClip = 0f,
            TvBeta = beta,
            TvWeight = 0.5f * lambdaTv / (pixels * MathF.Pow(variation, beta)),
            Alpha = alpha,
            AlphaNormWeight = 0.5f * lambdaAlpha / (pixels * MathF.Pow(bound, alpha)),
        };
    }
}
