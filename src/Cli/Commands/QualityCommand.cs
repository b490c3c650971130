using System.CommandLine;
using DeepVis.Images;
using DeepVis.Cli.Quality;
using DeepVis.Nets.Files;
using DeepVis.Optim;

namespace DeepVis.Cli.Commands;

/// <summary>
/// <c>deepvis quality</c>: measures how well the verbs do on a model with their defaults and writes a
/// Markdown report (docs/quality.md comes from it): class probabilities of class visualizations from
/// noise and from black, inversion PSNR/SSIM at every convolution, and the share of filters that rose.
/// </summary>
public static class QualityCommand
{
    public static readonly string[] Parts = ["class", "invert", "filters"];

    public static Command Create(TextWriter output)
    {
        var common = new CommonOptions();
        var measure = new Option<string[]>("--measure")
        {
            Description = $"what to measure: {string.Join(", ", Parts)}",
            AllowMultipleArgumentsPerToken = true,
            DefaultValueFactory = _ => Parts,
        };
        measure.AcceptOnlyFromAmong(Parts);
        var samples = new Option<string>("--samples")
        {
            Description = "folder of images to invert, each at the model's input size (samples holds the shipped Fashion-MNIST test images)",
            DefaultValueFactory = _ => "samples",
        };
        var inversionIterations = OptionFactory.Int("--inversion-iterations", "gradient steps of each inversion, whatever the preset", 1, Limits.MaxSteps, 200);
        var filterIterations = OptionFactory.Int("--filter-iterations", "gradient steps of each filter's maximization (as 'deepvis filters')",
            1, Limits.MaxSteps, FilterSettings.DefaultIterations);
        var report = new Option<string?>("--report") { Description = "where the Markdown report goes (default: OUT/quality.md)" };
        var judge = new Option<string?>("--judge")
        {
            Description = "a second model of the same classes and input (never used for tuning): with class, how many class images it recognizes, "
                + "for class's defaults and for --param fft (Lucid's recipe), from noise or grey and from black",
        };
        var command = new Command("quality", "Measure visualization quality on a model (class probabilities, inversion PSNR/SSIM, filter activation rise) into a Markdown report.")
        {
            measure, samples, inversionIterations, filterIterations, report, judge,
        };
        common.AddTo(command);
        command.Validators.Add(r =>
        {
            if (r.GetResult(judge) is not null && !r.GetValue(measure)!.Contains("class")) r.AddError("--judge judges class images: it needs --measure class");
        });
        command.SetAction(result =>
        {
            var parts = result.GetValue(measure)!;
            var sampleFiles = parts.Contains("invert") ? SampleFiles(result.GetValue(samples)!) : [];
            var judgeWeights = result.GetValue(judge);
            // A report outside the output folder is checked here; Open checks the output folder itself.
            if (result.GetValue(report) is { } given) Options.WritableOutput(given, sampleFiles);

            using var session = common.Open(result, output);
            var reportPath = result.GetValue(report) ?? session.OutPath("quality.md");
            using var judgeNetwork = judgeWeights is null ? null : Judge(session, judgeWeights, output);
            var markdown = new QualityReport(session.Network.Info, session.Device.Name, CommandLine(result));
            var survey = new QualitySurvey(session, markdown, result.GetValue(common.Seed));
            if (parts.Contains("class")) survey.Classes(judgeNetwork, judgeWeights);
            if (parts.Contains("invert")) survey.Inversions(sampleFiles, result.GetValue(inversionIterations));
            if (parts.Contains("filters")) survey.Filters(result.GetValue(filterIterations));
            var text = markdown.ToString();
            OutputFile.WriteText(reportPath, text);
            output.Write(text);
            output.WriteLine($"wrote {reportPath}");
            return 0;
        });
        return command;
    }

    /// <summary>The judge of --judge: a model that reads the same images (channels, size, colour order) and has as many classes.</summary>
    private static Nets.Network Judge(Session session, string weights, TextWriter output)
    {
        var (model, judge) = (session.Network.Info, Model.OpenNetwork(session.Device, weights, output));
        var size = model.DefaultSize;
        var problem = judge.Info.InputChannels != model.InputChannels ? $"it reads {judge.Info.InputChannels} channels, the model {model.InputChannels}"
            : model.InputChannels == 3 && judge.Info.ColorOrder != model.ColorOrder ? $"it reads {judge.Info.ColorOrder}, the model {model.ColorOrder}"
            : judge.Info.ClassCount != model.ClassCount ? $"it has {judge.Info.ClassCount} classes, the model {model.ClassCount}"
            : !InputSize.Fits(judge, size, null) ? $"it does not take the model's {size}x{size} images"
            : null;
        if (problem is null) return judge;
        judge.Dispose();
        throw new UserException($"--judge {weights}: {problem}");
    }

    /// <summary>The images of the samples folder, in name order; a missing or empty folder is an error, not an empty table.</summary>
    private static string[] SampleFiles(string folder)
    {
        if (!Directory.Exists(folder)) throw new UserException($"--samples folder '{folder}' does not exist");
        var files = Directory.GetFiles(folder).Where(ImageLoader.IsImage).Order(StringComparer.Ordinal).ToArray();
        return files.Length > 0 ? files : throw new UserException($"--samples folder '{folder}' holds no images ({string.Join(", ", ImageLoader.Extensions)})");
    }

    /// <summary>The command as given, so the report says how to reproduce it.</summary>
    private static string CommandLine(ParseResult result) => "deepvis " + string.Join(" ", result.Tokens.Select(t => t.Value));
}
