using System.CommandLine;
using DeepVis.Optim.Parameterization;
using DeepVis.Optim.Render;
using DeepVis.Optim.Transforms;

namespace DeepVis.Cli;

/// <summary>
/// The options of a Lucid-style render that <c>render</c>, <c>filters</c> and <c>class</c> share:
/// parameterization, colour decorrelation, pixel range, transforms, optimizer and learning rate.
/// </summary>
public sealed class RenderOptions
{
    public Option<string?> Param { get; } = OptionFactory.OptionalChoice("--param", "image parameterization: fft (Lucid's spectral image, the default) or pixel", "fft", "pixel");

    public Option<bool?> Decorrelate { get; } = new("--decorrelate")
    {
        Description = "decorrelate colours with Lucid's ImageNet colour matrix (default: on for colour models)",
    };

    public Option<string?> Range { get; } = OptionFactory.OptionalChoice("--range",
        "how values become pixels: sigmoid (Lucid's, the default) or clamp (the gradient passed inside 0..1, zero outside)", "sigmoid", "clamp");

    public Option<TransformChain> Transforms { get; } = OptionFactory.Parsed("--transforms",
        "random transforms each step: standard (Lucid's, the default), none, or a list such as pad:12,jitter:8,scale:0.9-1.1,rotate:10,jitter:4 " +
        $"(pad, jitter and shift up to {TransformChain.MaxPixels} pixels, rotate up to {TransformChain.MaxDegrees} degrees, scale 0.1 to {TransformChain.MaxScale})",
        "LIST", TransformChain.Parse);

    public Option<string> Optimizer { get; } = OptionFactory.Choice("--optimizer", "adam or normalized", "adam", "adam", "normalized");

    public Option<float> LearningRate { get; } = OptionFactory.Float("--lr", "learning rate, as Lucid's", NumberRange.Positive(MaxLearningRate),
        RenderSettings.DefaultLearningRate);

    /// <summary>The largest --lr: far above any rate that converges, low enough to refuse a typo.</summary>
    public const float MaxLearningRate = 100f;

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Param, Decorrelate, Range, Transforms, Optimizer, LearningRate }) command.Options.Add(option);
    }

    /// <summary>Whether the command line asked for any of the render machinery.</summary>
    public bool Given(ParseResult result) =>
        result.GetValue(Param) is not null || result.GetValue(Decorrelate) is not null || result.GetValue(Range) is not null
        || result.GetValue(Transforms) is not null;

    /// <summary>The settings the options describe (Lucid's recipe where not given); what does not fit the model is a <see cref="UserException"/>.</summary>
    public RenderSettings Settings(ParseResult result, int size, int steps, int channels)
    {
        var fourier = !"pixel".Equals(result.GetValue(Param), StringComparison.OrdinalIgnoreCase);
        var decorrelate = result.GetValue(Decorrelate) ?? channels == 3;
        if (decorrelate && channels != 3)
            throw new UserException($"--decorrelate needs a colour model; this one has {channels} channel{(channels == 1 ? "" : "s")}");
        var range = "clamp".Equals(result.GetValue(Range), StringComparison.OrdinalIgnoreCase) ? PixelRange.Clamp : PixelRange.Sigmoid;
        var optimizer = "normalized".Equals(result.GetValue(Optimizer), StringComparison.OrdinalIgnoreCase) ? RenderOptimizer.Normalized : RenderOptimizer.Adam;
        var settings = new RenderSettings(size, steps, new ParameterizationSettings(fourier, decorrelate, Range: range),
            result.GetValue(Transforms) ?? TransformChain.Standard, optimizer, result.GetValue(LearningRate));
        if (settings.Problem() is { } problem) throw new UserException(problem);
        return settings;
    }
}
