using DeepVis.Nets.Files;
using DeepVis.Nets;
using DeepVis.Optim;
using DeepVis.Optim.Render;

namespace DeepVis.Cli.Quality;

/// <summary>
/// The measurements of <c>deepvis quality</c> on an open session, each written into <paramref name="report"/>
/// as a section. Each draws from its own source seeded with <paramref name="seed"/>, so it gives the
/// same numbers whether it runs alone (as the tests run it) or with the others.
/// </summary>
public sealed class QualitySurvey(Session session, QualityReport report, int seed)
{
    /// <summary>Frames of the movie whose inversion's coherence is measured.</summary>
    private const int MovieFrames = 8;

    /// <summary>Random restarts of the extra inversion table.</summary>
    private const int QualityRestarts = 4;

    /// <summary>Resolutions of the coarse-to-fine inversion table (28 and 14 on the default model).</summary>
    private const int QualityLevels = 2;

    /// <summary>The second class-visualization start, the one the README's first command uses.</summary>
    public static readonly float[] Black = [0f, 0f, 0f];

    private Network Network => session.Network;

    /// <summary>
    /// Every class visualized from noise and from black; with a <paramref name="judge"/> (named
    /// <paramref name="judgeName"/>), how many of those images and of Lucid-style renders it recognizes.
    /// </summary>
    public void Classes(Network? judge, string? judgeName)
    {
        var fromNoise = ClassImages(new ClassSettings(), "noise", new Random(seed));
        var fromBlack = ClassImages(new ClassSettings { Background = Black }, "black", new Random(seed));
        report.AddClasses(QualityMeasures.Qualities(fromNoise), QualityMeasures.Qualities(fromBlack));
        if (judge is null) return;
        var info = Network.Info;
        var lucid = RenderSettings.Lucid(info.DefaultSize, info.InputChannels);
        var recipes = new (string Recipe, ClassImages Images)[]
        {
            ("`class`", fromNoise), ("`class --background 0,0,0`", fromBlack),
            ("`class --param fft`", Rendered(lucid, null, new Random(seed))),
            ("`class --param fft --background 0,0,0`", Rendered(lucid, Black, new Random(seed))),
        };
        report.AddTransfer($"{judgeName} ({judge.Info.Arch})", $"{lucid.Recipe}, {lucid.Steps} steps",
            [.. recipes.Select(r => (r.Recipe, QualityMeasures.Qualities(r.Images), QualityMeasures.Judged(Network, judge, r.Images)))]);
    }

    /// <summary>
    /// The sample images inverted at every convolution's output with each preset (and the default one
    /// with restarts and with coarse-to-fine), then a movie made from the first sample inverted frame by frame.
    /// </summary>
    public void Inversions(string[] sampleFiles, int iterations)
    {
        var info = Network.Info;
        var (h, w) = (info.DefaultSize, info.DefaultSize);
        int[] shape = [sampleFiles.Length, info.InputChannels, h, w];
        var originals = session.LoadImages(sampleFiles, h, w);
        // Each preset, and the default one with random restarts and coarse-to-fine (options for the deep layers).
        var variants = InversionPresets.Names.Select(p => (Name: p, Preset: p, Restarts: 1, Levels: 1))
            .Append(($"{InversionPresets.Default} --restarts {QualityRestarts}", InversionPresets.Default, QualityRestarts, 1))
            .Append(($"{InversionPresets.Default} --coarse-to-fine {QualityLevels}", InversionPresets.Default, 1, QualityLevels));
        var layers = QualityMeasures.ConvOutputs(Network);
        var layerShapes = Network.OutputShapes(1, h, w, layers);
        // A preset may weigh its priors by the layer's depth.
        InversionSettings Preset(string preset, NetworkLayer layer) => InversionPresets.For(preset, info, h, w, layerShapes[layer.Index])!;
        foreach (var (name, preset, restarts, levels) in variants)
        {
            var rows = layers.Select(layer => session.Progress.Track($"invert {name} {layer.Name}",
                progress => QualityMeasures.Inversion(Network, originals, shape, layer, Preset(preset, layer) with
                {
                    Iterations = iterations, Restarts = restarts, CoarseToFine = levels, ReportEvery = Math.Max(1, iterations / 50),
                }, new Random(seed), progress))).ToList();
            report.AddInversions(name, rows, sampleFiles.Length, iterations);
            if (name == InversionPresets.Exact) report.AddInversionGoals(rows);
        }
        var movie = QualityMeasures.ShiftedMovie(originals[..(info.InputChannels * h * w)], info.InputChannels, h, w, MovieFrames);
        var coherence = layers.Select(layer => session.Progress.Track($"movie {layer.Name}",
            _ => QualityMeasures.Coherence(Network, movie, [1, info.InputChannels, h, w], layer,
                Preset(InversionPresets.Default, layer) with { Iterations = iterations }, new Random(seed)))).ToList();
        report.AddCoherence(InversionPresets.Default,
            $"A movie of {MovieFrames} frames, {Path.GetFileName(sampleFiles[0])} moved right one pixel per frame,", coherence);
    }

    /// <summary>Every filter of every convolution's output maximized with filters' defaults but <paramref name="iterations"/> steps.</summary>
    public void Filters(int iterations)
    {
        var random = new Random(seed);
        var settings = FilterSettings.Defaults(Network.Info, Network.Info.DefaultSize) with { Iterations = iterations };
        var budget = FilterMaximization.MemoryBudget(session.Device);
        var rows = QualityMeasures.ConvOutputs(Network).Select(layer => QualityMeasures.Filters(Network, layer, settings,
            FilterMaximization.BatchThatFits(Network, layer, settings.Size, budget), random,
            (optimizer, chunk) => session.Optimize(optimizer, settings.Iterations, $"filters {layer.Name} {chunk[0]}-{chunk[^1]}",
                n => $"{PathName.Of(layer.Name)}-filter-{chunk[n]:D4}", random))).ToList();
        report.AddFilters(rows, settings);
    }

    private ClassImages ClassImages(ClassSettings settings, string start, Random random) =>
        ClassVisualization.Run(Network, AllClasses(), settings, random, (optimizer, o, octave) =>
            session.Optimize(optimizer, octave.Iterations, $"class from {start}, octave {o + 1}/{settings.Octaves.Count}",
                n => $"{ClassLookup.FileName(n, Network.Info.Classes)}-from-{start}-octave{o + 1}", random));

    /// <summary>Every class as one Lucid-style render (what <c>class --param fft</c> makes).</summary>
    private ClassImages Rendered(RenderSettings settings, float[]? background, Random random) =>
        ClassVisualization.Render(Network, AllClasses(), settings, background, random, (optimizer, _) =>
            session.Progress.Track($"class --param fft{(background is null ? "" : " from black")}", report =>
                optimizer.Run(settings.Steps, Math.Max(1, settings.Steps / 50), random, report)));

    private int[] AllClasses() => [.. Enumerable.Range(0, Network.Info.ClassCount)];
}
