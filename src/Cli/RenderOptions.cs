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
    public Option<string?> Param { get; } = new("--param") { Description = "image parameterization: fft (Lucid's spectral image) or pixel" };

    public Option<bool?> Decorrelate { get; } = new("--decorrelate")
    {
        Description = "decorrelate colours with Lucid's ImageNet colour matrix (default: on for colour models)",
    };

    public Option<string?> Range { get; } = new("--range")
    {
        Description = "how values become pixels: sigmoid (Lucid's, the default) or clamp (the gradient passed inside 0..1, zero outside)",
    };

    public Option<string?> Transforms { get; } = new("--transforms")
    {
        Description = "random transforms each step: standard (Lucid's), none, or a list such as pad:12,jitter:8,scale:0.9-1.1,rotate:10,jitter:4",
    };

    public Option<string> Optimizer { get; } = new("--optimizer") { Description = "adam or normalized (default adam)", DefaultValueFactory = _ => "adam" };

    public Option<float> LearningRate { get; } = new("--lr")
    {
        Description = $"learning rate (default {RenderSettings.DefaultLearningRate}, as Lucid)",
        DefaultValueFactory = _ => RenderSettings.DefaultLearningRate,
    };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Param, Decorrelate, Range, Transforms, Optimizer, LearningRate }) command.Options.Add(option);
    }

    /// <summary>Whether the command line asked for any of the render machinery.</summary>
    public bool Given(ParseResult result) =>
        result.GetValue(Param) is not null || result.GetValue(Decorrelate) is not null || result.GetValue(Range) is not null
        || result.GetValue(Transforms) is not null;

    /// <summary>The settings the options describe (Lucid's recipe where not given); a bad value is a <see cref="UserException"/>.</summary>
    public RenderSettings Settings(ParseResult result, int size, int steps, int channels)
    {
        var fourier = result.GetValue(Param)?.ToLowerInvariant() switch
        {
            null or "fft" => true,
            "pixel" => false,
            var other => throw new UserException($"--param must be fft or pixel, got '{other}'"),
        };
        var decorrelate = result.GetValue(Decorrelate) ?? channels == 3;
        if (decorrelate && channels != 3)
            throw new UserException($"--decorrelate needs a colour model; this one has {channels} channel{(channels == 1 ? "" : "s")}");
        var range = result.GetValue(Range)?.ToLowerInvariant() switch
        {
            null or "sigmoid" => PixelRange.Sigmoid,
            "clamp" => PixelRange.Clamp,
            var other => throw new UserException($"--range must be sigmoid or clamp, got '{other}'"),
        };
        TransformChain transforms;
        try
        {
            transforms = TransformChain.Parse(result.GetValue(Transforms) ?? "standard");
        }
        catch (FormatException e)
        {
            throw new UserException($"--transforms: {e.Message}");
        }
        var optimizer = result.GetValue(Optimizer)!.ToLowerInvariant() switch
        {
            "adam" => RenderOptimizer.Adam,
            "normalized" => RenderOptimizer.Normalized,
            var other => throw new UserException($"--optimizer must be adam or normalized, got '{other}'"),
        };
        var settings = new RenderSettings(size, steps, new ParameterizationSettings(fourier, decorrelate, Range: range), transforms, optimizer, result.GetValue(LearningRate));
        if (settings.Problem() is { } problem) throw new UserException(problem);
        return settings;
    }
}
