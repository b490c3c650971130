using System.CommandLine;
using System.Globalization;
using DeepVis.Images;
using DeepVis.Kernels.Runtime;
using DeepVis.Cli.Images;
using DeepVis.Nets;
using DeepVis.Optim;
using DeepVis.Optim.Objectives;
using DeepVis.Optim.Quality;
using DeepVis.Optim.Render;

namespace DeepVis.Cli.Commands;

/// <summary>
/// <c>deepvis class</c>: class model visualization (Simonyan et al.), every class given one item of a
/// single batch; writes class-INDEX-NAME.png per class and prints its final logit and probability.
/// </summary>
public static class ClassCommand
{
    private const int MaxJitter = 64;

    /// <summary>The largest --step-size: a step of many standard deviations of the normalized image.</summary>
    private const float MaxStep = 100f;

    public static Command Create(TextWriter output)
    {
        var common = new CommonOptions();
        var classes = new Option<string[]>("--class")
        {
            Description = "class name (exact, else case-insensitive, else a unique substring) or index; several (--class a b or --class a --class b) run as one batch",
            Required = true,
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = true,
        };
        var size = OptionFactory.OptionalInt("--size", "side of the full-size (scale 1) image in pixels (default: the model's input size)", 1, Limits.MaxSize);
        var octaves = OptionFactory.Parsed("--octaves",
            "octave schedule scale:iterations:start_sigma:end_sigma,... (scale relative to --size, blur sigma in pixels annealed "
            + $"from start to end), or a .json file of {{\"scale\",\"iterations\",\"start_sigma\",\"end_sigma\"}} objects (default: {OctaveSchedule.Format(ClassSettings.DefaultOctaves)})",
            "SCHEDULE", OctaveSchedule.Parse);
        var last = ClassSettings.DefaultOctaves[^1];
        var iterations = OptionFactory.OptionalInt("--iterations",
            $"instead of --octaves: one full-size octave of N steps, blur sigma {last.StartSigma} to {last.EndSigma}", 1, OctaveSchedule.MaxIterations);
        var stepSize = OptionFactory.Float("--step-size", "per-step change of the normalized image, step * gradient / mean|gradient|, per image",
            NumberRange.Positive(MaxStep), ClassSettings.DefaultStepSize);
        stepSize.Aliases.Add("--learning-rate");
        var l2 = OptionFactory.Float("--l2", "lambda of the L2 penalty on the normalized image", NumberRange.From(0), ClassSettings.DefaultL2);
        var background = OptionFactory.Parsed("--background",
            "start from this colour R,G,B (each 0..255; grayscale models take its luma 0.299R+0.587G+0.114B) instead of noise "
            + $"(default: the dataset mean colour plus pixel noise of std {ClassSettings.DefaultNoise})", "R,G,B", ParseColour);
        var jitter = OptionFactory.Int("--jitter", "shift the image by up to N pixels at random before each step, 0 for none", 0, MaxJitter, ClassSettings.DefaultJitter);
        var bilateral = new Option<bool>("--bilateral") { Description = "bilateral-filter the image between steps" };
        var bDefault = BilateralSettings.Default;
        var sigmaSpace = OptionFactory.OptionalFloat("--bilateral-sigma-space",
            $"bilateral spatial sigma in pixels, window radius ceil(2 sigma) (default: {bDefault.SigmaSpace})", NumberRange.Positive(OctaveSchedule.MaxSigma));
        var sigmaRange = OptionFactory.OptionalFloat("--bilateral-sigma-range", $"bilateral range sigma in pixel values 0..1 (default: {bDefault.SigmaRange})",
            NumberRange.Positive());
        var bilateralEvery = OptionFactory.OptionalInt("--bilateral-every", $"bilateral-filter every K steps (default: {bDefault.Every})", 1, Limits.MaxSteps);
        var tv = new Option<bool>("--tv-denoise") { Description = "TV-denoise the image between steps, split Bregman" };
        var tvDefault = TvDenoiseSettings.Default;
        var tvWeight = OptionFactory.OptionalFloat("--tv-denoise-weight", $"TV weight on pixel values 0..1, larger is flatter (default: {tvDefault.Weight})",
            NumberRange.Positive());
        var tvEvery = OptionFactory.OptionalInt("--tv-denoise-every", $"TV-denoise every K steps (default: {tvDefault.Every})", 1, Limits.MaxSteps);
        var command = new Command("class", "Class model visualization: images that maximize class logits (Simonyan et al.), one PNG per class.")
        {
            classes, size, octaves, iterations, stepSize, l2, background, jitter, bilateral, sigmaSpace, sigmaRange, bilateralEvery, tv, tvWeight, tvEvery,
        };
        var render = new RenderOptions();
        render.AddTo(command);
        common.AddTo(command);
        OptionFactory.Exclusive(command, octaves, iterations);
        OptionFactory.Needs(command, bilateral, sigmaSpace, sigmaRange, bilateralEvery);
        OptionFactory.Needs(command, tv, tvWeight, tvEvery);
        command.SetAction(result =>
        {
            var settings = new ClassSettings
            {
                Octaves = Schedule(result.GivenValue(octaves), result.GetValue(iterations)),
                StepSize = result.GetValue(stepSize),
                L2 = result.GetValue(l2),
                Background = result.GivenValue(background),
                Jitter = result.GetValue(jitter),
                Bilateral = result.GetValue(bilateral) ? new BilateralSettings(result.GetValue(sigmaSpace) ?? bDefault.SigmaSpace,
                    result.GetValue(sigmaRange) ?? bDefault.SigmaRange, result.GetValue(bilateralEvery) ?? bDefault.Every) : null,
                TvDenoise = result.GetValue(tv) ? new TvDenoiseSettings(result.GetValue(tvWeight) ?? tvDefault.Weight, result.GetValue(tvEvery) ?? tvDefault.Every) : null,
                Size = result.GetValue(size),
            };
            using var session = common.Open(result, output);
            var info = session.Network.Info;
            var indexes = result.GetValue(classes)!.Select(c => ClassLookup.Resolve(c, info.Classes, info.ClassCount)).ToList();
            var twice = indexes.GroupBy(i => i).FirstOrDefault(g => g.Count() > 1);
            if (twice is not null) throw new UserException($"class {ClassLookup.Describe(twice.Key, info.Classes)} is given twice");
            RequireSizesFit(session.Network, settings);
            var names = indexes.Select(i => ClassLookup.FileName(i, info.Classes)).ToList();
            // Lucid's machinery when any of its options is given, else Simonyan et al.'s octaves.
            var steps = result.GetValue(iterations) ?? RenderSettings.DefaultSteps;
            var images = render.Given(result)
                ? ClassVisualization.Render(session.Network, indexes, render.Settings(result, settings.Size ?? info.DefaultSize, steps, info.InputChannels),
                    settings.Background, session.Random, (optimizer, _) => session.Progress.Track("render", report =>
                        optimizer.Run(steps, Math.Max(1, steps / 50), session.Random, report)))
                : ClassVisualization.Run(session.Network, indexes, settings, session.Random, (optimizer, o, octave) =>
                    session.Optimize(optimizer, octave.Iterations, $"octave {o + 1}/{settings.Octaves.Count} ({optimizer.Image.H}x{optimizer.Image.W})",
                        n => $"{names[n]}-octave{o + 1}"));
            for (var n = 0; n < indexes.Count; n++)
            {
                session.SaveImage(images.Images, n, images.Shape, names[n] + ".png");
                var predicted = images.Predicted(n) == indexes[n] ? "" : $", predicted {ClassLookup.Describe(images.Predicted(n), info.Classes)}";
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"class {ClassLookup.Describe(indexes[n], info.Classes)}: "
                    + $"logit {images.TargetLogit(n):F3}, probability {images.Probability(n):F4}{predicted} -> {session.OutPath(names[n] + ".png")}"));
            }
            return 0;
        });
        return command;
    }

    private static IReadOnlyList<Octave> Schedule(IReadOnlyList<Octave>? octaves, int? iterations)
    {
        if (iterations is { } n)
        {
            var last = ClassSettings.DefaultOctaves[^1];
            return [new Octave(1f, n, last.StartSigma, last.EndSigma)];
        }
        return octaves ?? ClassSettings.DefaultOctaves;
    }

    /// <summary>R,G,B with each 0..255 to RGB in 0..1.</summary>
    private static float[] ParseColour(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var rgb = new float[3];
        if (parts.Length != 3 || !parts.Select((p, i) => float.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out rgb[i]) && rgb[i] is >= 0 and <= 255).All(ok => ok))
            throw new UserException($"'{text}': expected R,G,B with each 0 to 255, e.g. 255,255,255");
        return Array.ConvertAll(rgb, v => v / 255f);
    }

    /// <summary>Every octave's image must go through the network: too small an image leaves nothing after its pooling layers.</summary>
    private static void RequireSizesFit(Network network, ClassSettings settings)
    {
        var sizes = settings.OctaveSizes(settings.Size ?? network.Info.DefaultSize);
        for (var o = 0; o < sizes.Count; o++)
        {
            if (sizes[o] > Limits.MaxSize)
                throw new UserException($"octave {o + 1} (scale {settings.Octaves[o].Scale}) makes a {sizes[o]}x{sizes[o]} image, above the largest side " +
                    $"{Limits.MaxSize}; lower --size or the octave's scale");
            if (InputSize.Fits(network, sizes[o], null)) continue;
            var minimum = InputSize.Minimum(network);
            throw new UserException($"octave {o + 1} (scale {settings.Octaves[o].Scale}) makes a {sizes[o]}x{sizes[o]} image, " + (sizes[o] < minimum
                ? $"too small for {network.Info.Arch}: it takes at least {minimum}x{minimum}"
                : $"too large for {network.Info.Arch}: some layer's output would not fit one tensor; lower --size or the octave's scale"));
        }
    }
}
