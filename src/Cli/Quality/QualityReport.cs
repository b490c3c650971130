using System.Globalization;
using System.Text;
using DeepVis.Nets.Weights;
using DeepVis.Optim;

namespace DeepVis.Cli.Quality;

/// <summary>The Markdown report of <c>deepvis quality</c>: a header saying how to reproduce it, then a section per measurement.</summary>
public sealed class QualityReport
{
    public const float ClassGoal = 0.9f;

    private readonly ModelInfo _info;
    private readonly StringBuilder _text = new();

    public QualityReport(ModelInfo info, string device, string commandLine)
    {
        _info = info;
        Line($"# Visualization quality: {info.Arch}, {info.ClassCount} classes");
        Line();
        Line($"Every number below comes from `{commandLine}`, run on {device}; rerun it to reproduce them.");
    }

    /// <summary>Per class, the probability from each start; a class predicted as another says which.</summary>
    public void AddClasses(IReadOnlyList<ClassQuality> fromNoise, IReadOnlyList<ClassQuality> fromBlack)
    {
        Section("Class visualization",
            "The model's softmax probability for the target class on the image made to maximize its logit, with the defaults of `deepvis class`, "
            + "every class in one batch: from noise (the default start) and from black (`--background 0,0,0`, the README's first command). "
            + $"Goal: at least {ClassGoal} for every class.");
        Line("| class | from noise | from black |");
        Line("|---|---:|---:|");
        for (var i = 0; i < fromNoise.Count; i++)
            Line($"| {ClassLookup.Describe(fromNoise[i].Class, _info.Classes)} | {Cell(fromNoise[i])} | {Cell(fromBlack[i])} |");
        Line($"| **lowest** | **{Number(fromNoise.Min(c => c.Probability), "F4")}** | **{Number(fromBlack.Min(c => c.Probability), "F4")}** |");
        var missed = fromNoise.Concat(fromBlack).Count(c => c.Probability < ClassGoal);
        Line();
        Line(missed == 0 ? $"Every class reaches the goal of {ClassGoal} from both starts." : $"{missed} of {fromNoise.Count + fromBlack.Count} images miss the goal of {ClassGoal}.");
    }

    public void AddInversions(IReadOnlyList<InversionQuality> rows, int images, int iterations)
    {
        Section("Feature inversion",
            $"The {images} sample images inverted as one batch at the output of every convolution, with the defaults of `deepvis invert` "
            + $"but {iterations} iterations; PSNR and SSIM of each inversion against its original (pixels in 0..1), mean over the images with the range, "
            + "and the relative feature loss reached. Expected to fall with depth: deeper layers keep less of the image.");
        Line("| layer | PSNR (dB) | SSIM | feature loss |");
        Line("|---|---:|---:|---:|");
        foreach (var r in rows)
            Line($"| {r.Layer} | {Range(r.Psnr, "F1")} | {Range(r.Ssim, "F3")} | {Number(r.Loss.Average(), "F3")} |");
    }

    public void AddFilters(IReadOnlyList<FilterQuality> rows, FilterSettings settings)
    {
        Section("Filter maximization",
            $"Every filter of every convolution's output maximized with the defaults of `deepvis filters` but {settings.Iterations} steps, at {settings.Size}x{settings.Size}: "
            + $"the fraction whose mean activation rose at least {QualityMeasures.RiseFactor:G}-fold over the noise start "
            + "(a filter silent on the noise start counts when it became active).");
        Line($"| layer | filters | rose {QualityMeasures.RiseFactor:G}x | fraction |");
        Line("|---|---:|---:|---:|");
        foreach (var r in rows) Line($"| {r.Layer} | {r.Filters} | {r.Rose} | {Number(r.Fraction, "P0")} |");
    }

    public override string ToString() => _text.ToString();

    private string Cell(ClassQuality c) =>
        Number(c.Probability, "F4") + (c.Predicted == c.Class ? "" : $" (predicted {ClassLookup.Describe(c.Predicted, _info.Classes)})");

    private static string Range(double[] values, string format) =>
        $"{Number(values.Average(), format)} ({Number(values.Min(), format)} to {Number(values.Max(), format)})";

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private void Section(string title, string text)
    {
        Line();
        Line($"## {title}");
        Line();
        Line(text);
        Line();
    }

    private void Line(string text = "") => _text.Append(text).Append('\n');
}
