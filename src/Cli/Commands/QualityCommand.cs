using System.CommandLine;
using DeepVis.Cli.Images;
using DeepVis.Cli.Quality;
using DeepVis.Nets;
using DeepVis.Nets.Files;
using DeepVis.Optim;
using DeepVis.Optim.Render;

namespace DeepVis.Cli.Commands;

/// <summary>
/// <c>deepvis quality</c>: measures how well the verbs do on a model with their defaults and writes a
/// Markdown report (docs/quality.md comes from it): class probabilities of class visualizations from
/// noise and from black, inversion PSNR/SSIM at every convolution, and the share of filters that rose.
/// </summary>
public static class QualityCommand
{
    /// <summary>Frames of the movie whose inversion's coherence is measured.</summary>
    private const int MovieFrames = 8;

    /// <summary>Random restarts of the extra inversion table.</summary>
    private const int QualityRestarts = 4;

    /// <summary>Resolutions of the coarse-to-fine inversion table (28 and 14 on the default model).</summary>
    private const int QualityLevels = 2;

    public static readonly string[] Parts = ["class", "invert", "filters"];

    /// <summary>The second class-visualization start, the one the README's first command uses.</summary>
    public static readonly float[] Black = [0f, 0f, 0f];

    public static Command Create(TextWriter output)
    {
        var common = new CommonOptions();
        var measure = new Option<string[]>("--measure")
        {
            Description = $"what to measure: {string.Join(", ", Parts)} (default: all three)",
            AllowMultipleArgumentsPerToken = true,
            DefaultValueFactory = _ => Parts,
        };
        var samples = new Option<string>("--samples")
        {
            Description = "folder of images to invert, each at the model's input size (default: samples, the shipped Fashion-MNIST test images)",
            DefaultValueFactory = _ => "samples",
        };
        var inversionIterations = new Option<int>("--inversion-iterations")
        {
            Description = "gradient steps of each inversion, whatever the preset (default 200)",
            DefaultValueFactory = _ => 200,
        };
        var filterIterations = new Option<int>("--filter-iterations")
        {
            Description = $"gradient steps of each filter's maximization (default {FilterSettings.DefaultIterations}, as 'deepvis filters')",
            DefaultValueFactory = _ => FilterSettings.DefaultIterations,
        };
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
        command.SetAction(result =>
        {
            var parts = result.GetValue(measure)!;
            if (parts.FirstOrDefault(p => !Parts.Contains(p)) is { } unknown)
                throw new UserException($"--measure '{unknown}': expected one of {string.Join(", ", Parts)}");
            var (iterations, filterSteps) = (result.GetValue(inversionIterations), result.GetValue(filterIterations));
            if (iterations < 1) throw new UserException($"--inversion-iterations must be at least 1, got {iterations}");
            if (filterSteps < 1) throw new UserException($"--filter-iterations must be at least 1, got {filterSteps}");
            var sampleFiles = parts.Contains("invert") ? SampleFiles(result.GetValue(samples)!) : [];
            var judgeWeights = result.GetValue(judge);
            if (judgeWeights is not null && !parts.Contains("class")) throw new UserException("--judge judges class images: it needs --measure class");
            // A report outside the output folder is checked here; Open checks the output folder itself.
            if (result.GetValue(report) is { } given) Options.WritableOutput(given, sampleFiles);

            using var session = common.Open(result, output);
            var reportPath = result.GetValue(report) ?? session.OutPath("quality.md");
            var network = session.Network;
            var info = network.Info;
            using var judgeNetwork = judgeWeights is null ? null : Judge(session, judgeWeights, output);
            var markdown = new QualityReport(info, session.Device.Name, CommandLine(result));
            // Each measurement draws from its own source seeded alike, so it gives the same numbers run alone (as the tests run it).
            var seed = result.GetValue(common.Seed);
            if (parts.Contains("class"))
            {
                var fromNoise = Classes(session, new ClassSettings(), "noise", new Random(seed));
                var fromBlack = Classes(session, new ClassSettings { Background = Black }, "black", new Random(seed));
                markdown.AddClasses(QualityMeasures.Qualities(fromNoise), QualityMeasures.Qualities(fromBlack));
                if (judgeNetwork is not null)
                {
                    var lucid = RenderSettings.Lucid(info.DefaultSize, info.InputChannels);
                    var recipes = new (string Recipe, ClassImages Images)[]
                    {
                        ("`class`", fromNoise), ("`class --background 0,0,0`", fromBlack),
                        ("`class --param fft`", Rendered(session, lucid, null, new Random(seed))),
                        ("`class --param fft --background 0,0,0`", Rendered(session, lucid, Black, new Random(seed))),
                    };
                    markdown.AddTransfer($"{judgeWeights} ({judgeNetwork.Info.Arch})", $"{lucid.Recipe}, {lucid.Steps} steps",
                        [.. recipes.Select(r => (r.Recipe, QualityMeasures.Qualities(r.Images), QualityMeasures.Judged(network, judgeNetwork, r.Images)))]);
                }
            }
            if (parts.Contains("invert"))
            {
                var (h, w) = (info.DefaultSize, info.DefaultSize);
                int[] shape = [sampleFiles.Length, info.InputChannels, h, w];
                var originals = session.LoadImages(sampleFiles, h, w);
                // Each preset, and the default one with random restarts and coarse-to-fine (options for the deep layers).
                var variants = InversionPresets.Names.Select(p => (Name: p, Preset: p, Restarts: 1, Levels: 1))
                    .Append(($"{InversionPresets.Default} --restarts {QualityRestarts}", InversionPresets.Default, QualityRestarts, 1))
                    .Append(($"{InversionPresets.Default} --coarse-to-fine {QualityLevels}", InversionPresets.Default, 1, QualityLevels));
                var layers = QualityMeasures.ConvOutputs(network);
                var layerShapes = network.OutputShapes(1, h, w, layers);
                // A preset may weigh its priors by the layer's depth.
                InversionSettings Preset(string preset, NetworkLayer layer) => InversionPresets.For(preset, info, h, w, layerShapes[layer.Index])!;
                foreach (var (name, preset, restarts, levels) in variants)
                {
                    var rows = layers.Select(layer => session.Progress.Track($"invert {name} {layer.Name}",
                        progress => QualityMeasures.Inversion(network, originals, shape, layer, Preset(preset, layer) with
                        {
                            Iterations = iterations, Restarts = restarts, CoarseToFine = levels, ReportEvery = Math.Max(1, iterations / 50),
                        }, new Random(seed), progress))).ToList();
                    markdown.AddInversions(name, rows, sampleFiles.Length, iterations);
                    if (name == InversionPresets.Exact) markdown.AddInversionGoals(rows);
                }
                var movie = QualityMeasures.ShiftedMovie(originals[..(info.InputChannels * h * w)], info.InputChannels, h, w, MovieFrames);
                var coherence = layers.Select(layer => session.Progress.Track($"movie {layer.Name}",
                    _ => QualityMeasures.Coherence(network, movie, [1, info.InputChannels, h, w], layer,
                        Preset(InversionPresets.Default, layer) with { Iterations = iterations }, new Random(seed)))).ToList();
                markdown.AddCoherence(InversionPresets.Default,
                    $"A movie of {MovieFrames} frames, {Path.GetFileName(sampleFiles[0])} moved right one pixel per frame,", coherence);
            }
            if (parts.Contains("filters"))
            {
                var random = new Random(seed);
                var settings = FilterSettings.Defaults(info, info.DefaultSize) with { Iterations = filterSteps };
                var rows = QualityMeasures.ConvOutputs(network).Select(layer => QualityMeasures.Filters(network, layer, settings,
                    FilterMaximization.BatchThatFits(network, layer, settings.Size, FiltersCommand.Budget(session.Device)), random,
                    (optimizer, chunk) => session.Optimize(optimizer, settings.Iterations, $"filters {layer.Name} {chunk[0]}-{chunk[^1]}",
                        n => $"{PathName.Of(layer.Name)}-filter-{chunk[n]:D4}", random))).ToList();
                markdown.AddFilters(rows, settings);
            }
            var text = markdown.ToString();
            OutputFile.WriteText(reportPath, text);
            output.Write(text);
            output.WriteLine($"wrote {reportPath}");
            return 0;
        });
        return command;
    }

    private static ClassImages Classes(Session session, ClassSettings settings, string start, Random random) =>
        ClassVisualization.Run(session.Network, AllClasses(session.Network), settings, random, (optimizer, o, octave) =>
            session.Optimize(optimizer, octave.Iterations, $"class from {start}, octave {o + 1}/{settings.Octaves.Count}",
                n => $"{ClassLookup.FileName(n, session.Network.Info.Classes)}-from-{start}-octave{o + 1}", random));

    /// <summary>Every class as one Lucid-style render (what <c>class --param fft</c> makes).</summary>
    private static ClassImages Rendered(Session session, RenderSettings settings, float[]? background, Random random) =>
        ClassVisualization.Render(session.Network, AllClasses(session.Network), settings, background, random, (optimizer, _) =>
            session.Progress.Track($"class --param fft{(background is null ? "" : " from black")}", report =>
                optimizer.Run(settings.Steps, Math.Max(1, settings.Steps / 50), random, report)));

    private static int[] AllClasses(Nets.Network network) => [.. Enumerable.Range(0, network.Info.ClassCount)];

    /// <summary>The judge of --judge: a model that reads the same images (channels, size, colour order) and has as many classes.</summary>
    private static Nets.Network Judge(Session session, string weights, TextWriter output)
    {
        var (model, judge) = (session.Network.Info, Options.LoadNetwork(session.Device, weights, output));
        var size = model.DefaultSize;
        var problem = judge.Info.InputChannels != model.InputChannels ? $"it reads {judge.Info.InputChannels} channels, the model {model.InputChannels}"
            : model.InputChannels == 3 && judge.Info.ColorOrder != model.ColorOrder ? $"it reads {judge.Info.ColorOrder}, the model {model.ColorOrder}"
            : judge.Info.ClassCount != model.ClassCount ? $"it has {judge.Info.ClassCount} classes, the model {model.ClassCount}"
            : !Takes(judge, size) ? $"it does not take the model's {size}x{size} images"
            : null;
        if (problem is null) return judge;
        judge.Dispose();
        throw new UserException($"--judge {weights}: {problem}");
    }

    private static bool Takes(Nets.Network network, int size)
    {
        try
        {
            network.OutputShapes(1, size, size);
            return true;
        }
        catch (Kernels.Runtime.ShapeException)
        {
            return false;
        }
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
