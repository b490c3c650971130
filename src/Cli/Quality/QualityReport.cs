using System.Globalization;
using System.Text;
using DeepVis.Nets.Weights;
using DeepVis.Optim;

namespace DeepVis.Cli.Quality;

/// <summary>The Markdown report of <c>deepvis quality</c>: a header saying how to reproduce it, then a section per measurement.</summary>
public sealed class QualityReport
{
    public const float ClassGoal = 0.9f;

    /// <summary>
    /// The goals of the exact preset in 200 steps (docs/quality.md): PSNR at relu1_1 and relu1_2, relative feature
    /// loss at relu2_2; an early layer keeps nearly all of the image, so its inversion should nearly reproduce it.
    /// </summary>
    public const double InversionPsnrGoal = 40, InversionLossGoal = 0.3;

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

    /// <summary>
    /// Per recipe (a column), the judge's probability for each class image's class; the count it
    /// recognizes (its largest logit is the class) against the count the model itself does.
    /// </summary>
    public void AddTransfer(string judge, string render, IReadOnlyList<(string Recipe, IReadOnlyList<ClassQuality> Own, IReadOnlyList<ClassQuality> Judged)> columns)
    {
        Section("Class visualization judged by another model",
            $"The class images of the model, made by each recipe (`--param fft` is {render}), as pixels clamped to 0..1 (as saved), classified by "
            + $"{judge}, a second model trained on the same data and never used for tuning: its probability for the image's class, and how many of the "
            + "images it recognizes (its largest logit is the class). Goal: every one. The model's own count is for comparison.");
        Line("| class | " + string.Join(" | ", columns.Select(c => c.Recipe)) + " |");
        Line("|---|" + string.Concat(columns.Select(_ => "---:|")));
        for (var i = 0; i < columns[0].Judged.Count; i++)
            Line($"| {ClassLookup.Describe(columns[0].Judged[i].Class, _info.Classes)} | " + string.Join(" | ", columns.Select(c => Cell(c.Judged[i]))) + " |");
        static int Recognized(IReadOnlyList<ClassQuality> q) => q.Count(c => c.Predicted == c.Class);
        Line("| **recognized by the judge** | " + string.Join(" | ", columns.Select(c => $"**{Recognized(c.Judged)}/{c.Judged.Count}**")) + " |");
        Line("| recognized by the model | " + string.Join(" | ", columns.Select(c => $"{Recognized(c.Own)}/{c.Own.Count}")) + " |");
        var best = columns.Max(c => Recognized(c.Judged));
        var leaders = string.Join(", ", columns.Where(c => Recognized(c.Judged) == best).Select(c => c.Recipe));
        Line();
        Line(best == columns[0].Judged.Count ? $"The judge recognizes every image of {leaders}." : $"No recipe reaches the goal; the judge recognizes most ({best}) of {leaders}.");
    }

    public void AddInversions(string preset, IReadOnlyList<InversionQuality> rows, int images, int iterations)
    {
        Section($"Feature inversion: --preset {preset}",
            $"The {images} sample images inverted as one batch at the output of every convolution, with `deepvis invert --preset {preset}` "
            + $"but {iterations} iterations; PSNR and SSIM of each inversion against its original (pixels in 0..1), mean over the images with the range, "
            + "and the mean relative feature loss ||F(x) - F(x0)||^2 / ||F(x0)||^2 reached. Expected to fall with depth: deeper layers keep less of the image.");
        Line("| layer | PSNR (dB) | SSIM | feature loss |");
        Line("|---|---:|---:|---:|");
        foreach (var r in rows)
            Line($"| {r.Layer} | {Range(r.Psnr, "F1")} | {Range(r.Ssim, "F3")} | {Number(r.FeatureLoss.Average(), "F3")} |");
    }

    /// <summary>The goals of the exact preset, checked against its rows (relu1_1, relu1_2 and relu2_2 by name, when the model has them).</summary>
    public void AddInversionGoals(IReadOnlyList<InversionQuality> exact)
    {
        var lines = new List<string>();
        foreach (var r in exact.Where(r => r.Layer is "relu1_1" or "relu1_2"))
            lines.Add($"{r.Layer}: lowest PSNR {Number(r.Psnr.Min(), "F1")} dB, goal {InversionPsnrGoal} dB: {(r.Psnr.Min() >= InversionPsnrGoal ? "met" : "missed")}.");
        foreach (var r in exact.Where(r => r.Layer == "relu2_2"))
        {
            var loss = r.FeatureLoss.Average();
            lines.Add($"relu2_2: mean feature loss {Number(loss, "F3")}, goal at most {InversionLossGoal}: {(loss <= InversionLossGoal ? "met" : "missed")}.");
        }
        var falls = exact.Zip(exact.Skip(1)).All(p => p.Second.Psnr.Average() <= p.First.Psnr.Average());
        lines.Add($"Mean PSNR {(falls ? "falls (or stays) with depth" : "does not fall with depth everywhere")}.");
        Line();
        Line("Goals of the exact preset: " + string.Join(" ", lines));
    }

    /// <summary>Temporal coherence of a movie inverted frame by frame: mean |change| between consecutive frames, reconstructed and original.</summary>
    public void AddCoherence(string preset, string movie, IReadOnlyList<(string Layer, double Reconstructed, double Original)> rows)
    {
        Section($"Movie coherence: preset {preset}",
            $"{movie} inverted frame by frame with `deepvis invert --preset {preset}` (each frame warm-started from the previous result): the mean absolute "
            + "change per pixel (0..1) between consecutive reconstructed frames against the same figure for the original frames. Goal: at most 1.5 times "
            + "the original's at an early layer.");
        Line("| layer | reconstructed | original | ratio |");
        Line("|---|---:|---:|---:|");
        foreach (var (layer, reconstructed, original) in rows)
            Line($"| {layer} | {Number(reconstructed, "F4")} | {Number(original, "F4")} | {Number(reconstructed / original, "F2")} |");
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
