using System.CommandLine;
using DeepVis.Images;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Nets.Files;
using DeepVis.Optim;
using DeepVis.Optim.Quality;
using DeepVis.Optim.Steps;

namespace DeepVis.Cli.Commands;

/// <summary>
/// <c>deepvis invert</c>: feature inversion (Mahendran &amp; Vedaldi). Still images run as one batch
/// and are written as out/&lt;stem&gt;-&lt;layer&gt;.png; a folder of frames, an animated GIF or an MP4 is a
/// movie, inverted frame by frame (each warm-started from the last) into out/&lt;name&gt;-&lt;layer&gt;/frame-00001.png, ...
/// and, for a GIF or MP4 (or with --movie-out), a movie file of the same kind. Each result is scored
/// against its original (PSNR, SSIM on pixels in 0..1), a movie by its temporal coherence too.
/// </summary>
public static class InvertCommand
{
    /// <summary>A still image of the batch, or a movie's frames, with where its result goes.</summary>
    private sealed record Input(string Path, string Name, bool IsFolder, IReadOnlyList<string> Files)
    {
        public Movie Content { get; set; } = new([], Movie.FolderFramesPerSecond);

        public IReadOnlyList<PlanarImage> Frames => Content.Frames;

        public bool IsMovie => IsFolder || Movie.IsMp4(Path) || Frames.Count > 1;

        /// <summary>The movie file written besides the frames: --movie-out, else one of the input's kind for a GIF or MP4.</summary>
        public string? MovieOut { get; set; }
    }

    /// <summary>Runs an inversion under a progress display titled <paramref name="title"/>.</summary>
    private delegate InversionResult Tracker(string title, Func<Action<Progress>, InversionResult> work);

    public static Command Create(TextWriter output)
    {
        var common = new CommonOptions();
        var images = new Argument<string[]>("IMAGE")
        {
            Description = "images to invert (one batch), or a folder of frames, an animated GIF or an MP4 (a movie, frame by frame)",
            Arity = ArgumentArity.OneOrMore,
        };
        var layer = new Option<string>("--layer") { Description = "layer whose features are matched (address, alias or index; see 'deepvis layers')", Required = true };
        var preset = OptionFactory.Choice("--preset",
            $"starting settings, which the options below override: {InversionPresets.Mahendran} (Mahendran & Vedaldi's TV and " +
            "alpha-norm priors, TV stronger the deeper the layer, with momentum: close to the original at early layers and still a natural-looking image at deep ones, " +
            $"where matching the features alone gives noise), {InversionPresets.Exact} (Adam on the features alone, pixels kept in 0..1: the " +
            $"most faithful reconstruction at early layers) or {InversionPresets.Blur} (plain descent with periodic blurs, as the original inversion tools: " +
            "smooth, blurry images)", InversionPresets.Default, [.. InversionPresets.Names]);
        var init = OptionFactory.OptionalChoice("--init", "start from 'noise' or the dataset's 'mean' image (preset: noise)", "noise", "mean");
        var iterations = OptionFactory.OptionalInt("--iterations", "gradient steps (preset: blur 500, mahendran 200, exact 200)", 1, Limits.MaxSteps);
        var warm = OptionFactory.OptionalInt("--warm-iterations",
            "gradient steps for movie frames after the first, which start from the previous result (default: iterations / 4)", 1, Limits.MaxSteps);
        var optimizer = OptionFactory.OptionalChoice("--optimizer",
            "descent (constant per-image rate), momentum or adam (preset: blur descent, mahendran momentum, exact adam)", "descent", "momentum", "adam");
        var rate = OptionFactory.OptionalFloat("--learning-rate",
            "descent and momentum: a rate per image set so the first step changes each pixel by this much on average; adam: its step size; " +
            "in the model's normalized units (preset: blur 0.2, mahendran 0.02, exact 0.05 of the pixel range)", NumberRange.Positive(MaxLearningRate));
        var schedule = OptionFactory.Parsed("--schedule",
            "how the rate of momentum or adam changes: constant, cosine (to 0 over the run) or step:EVERY:FACTOR (preset: mahendran step:150:0.1, exact cosine)",
            "SCHEDULE", ParseSchedule);
        var momentum = OptionFactory.OptionalFloat("--momentum", "momentum of the momentum optimizer (default 0.9)", new NumberRange(0, 1, MaxOpen: true));
        var blur = OptionFactory.Parsed("--blur",
            "Gaussian blurs as SIZE:EVERY pairs, sigma chosen from the size (preset: blur 3:10,7:20: 3x3 every 10 steps and 7x7 every 20; the others none)",
            "SIZE:EVERY,...", ParseBlur);
        var noBlur = new Option<bool>("--no-blur") { Description = "no blur at all" };
        var gradClip = OptionFactory.OptionalFloat("--grad-std-clip",
            "clip the gradient to its mean +- K std before each step; 0 turns it off (preset: blur 1.5, the others 0)", NumberRange.From(0));
        var imageClip = OptionFactory.OptionalFloat("--image-std-clip",
            "clip the image to its mean +- K std after each step; 0 turns it off (preset: blur 3, the others 0)", NumberRange.From(0));
        var clamp = new Option<bool?>("--clamp-pixels") { Description = "keep every pixel in 0..1 after each step (preset: exact true, the others false)" };
        var tv = OptionFactory.OptionalFloat("--tv-weight",
            "weight of the total-variation prior (squared differences, beta 2) on the normalized image; 0 is off (preset: mahendran theirs, the others 0)",
            NumberRange.From(0));
        var alphaWeight = OptionFactory.OptionalFloat("--alpha-norm-weight",
            "weight lambda of the alpha-norm prior lambda * sum |x|^alpha on the normalized image; 0 is off (preset: mahendran theirs, the others 0)",
            NumberRange.From(0));
        var alpha = OptionFactory.OptionalFloat("--alpha", "the alpha of --alpha-norm-weight (default 6)", NumberRange.From(1, MaxAlpha));
        var restarts = OptionFactory.Int("--restarts",
            "runs from fresh noise, each image keeping its run of lowest feature loss (a movie: its first frame); " +
            "helps most at middle layers, where a run can settle in a poor optimum (docs/quality.md)", 1, Limits.MaxRestarts, 1);
        var coarseToFine = OptionFactory.Int("--coarse-to-fine",
            "resolutions optimized in turn, coarsest first, each about half the next, upsampled to start the next, " +
            "each for --iterations (a movie: its first frame); more levels recover coarse structure at deep layers (docs/quality.md); 1 is the full size only",
            1, MaxLevels, 1);
        var movieOut = new Option<string?>("--movie-out")
        {
            Description = "for a movie: also write the result as this GIF or MP4 (MP4 needs ffmpeg on PATH); default: a GIF or MP4 input " +
                "gives OUT/NAME-LAYER.gif or .mp4, a folder of frames only the numbered frames",
        };
        var size = OptionFactory.Size("--size", "invert at H or H,W pixels (default: the model's default input size)");
        var verbose = new Option<bool>("--verbose") { Description = "print the layer shapes up to --layer and the loss every 10 steps" };
        var command = new Command("invert", "Re-create images from their features at a layer (Mahendran & Vedaldi feature inversion).")
        {
            images, layer, preset, init, iterations, warm, optimizer, rate, schedule, momentum, blur, noBlur, gradClip, imageClip, clamp,
            tv, alphaWeight, alpha, restarts, coarseToFine, movieOut, size, verbose,
        };
        common.AddTo(command);
        command.SetAction(result =>
        {
            var isVerbose = result.GetValue(verbose);
            var presetName = result.GetValue(preset)!.ToLowerInvariant();
            var parsedBlur = result.GetValue(noBlur) ? [] : result.GivenValue(blur);
            var inputs = result.GetValue(images)!.Select(Classify).ToList();

            using var session = common.Open(result, output);
            var network = session.Network;
            var target = network.Resolve(result.GetValue(layer)!);
            var (height, width) = result.GetValue(size) ?? (network.Info.DefaultSize, network.Info.DefaultSize);
            var shapes = OutputShapes(network, target, height, width);
            var settings = InversionPresets.For(presetName, network.Info, height, width, shapes[target.Index])!;
            // What the command line names overrides the preset.
            settings = settings with
            {
                Iterations = result.GetValue(iterations) ?? settings.Iterations,
                WarmIterations = result.GetValue(warm) ?? settings.WarmIterations,
                Optimizer = result.GetValue(optimizer) is { } o ? Enum.Parse<InversionOptimizer>(o, ignoreCase: true) : settings.Optimizer,
                LearningRate = result.GetValue(rate) ?? settings.LearningRate,
                Schedule = result.GetValue(schedule) ?? settings.Schedule,
                Momentum = result.GetValue(momentum) ?? settings.Momentum,
                Blur = parsedBlur ?? settings.Blur,
                GradientStdClip = result.GetValue(gradClip) ?? settings.GradientStdClip,
                ImageStdClip = result.GetValue(imageClip) ?? settings.ImageStdClip,
                ClampPixels = result.GetValue(clamp) ?? settings.ClampPixels,
                TvWeight = result.GetValue(tv) ?? settings.TvWeight,
                AlphaNormWeight = result.GetValue(alphaWeight) ?? settings.AlphaNormWeight,
                Alpha = result.GetValue(alpha) ?? settings.Alpha,
                Restarts = result.GetValue(restarts),
                CoarseToFine = result.GetValue(coarseToFine),
                Start = result.GetValue(init) is { } start ? Enum.Parse<InversionStart>(start, ignoreCase: true) : settings.Start,
            };
            settings = settings with { ReportEvery = isVerbose ? 10 : Math.Max(1, settings.Iterations / 50) };
            if (settings.Problem(height, width) is { } problem) throw new UserException(problem);
            foreach (var input in inputs) Load(input, network.Info.InputChannels);
            // The name comes from the model file: an ONNX export's start with '/', a hostile one's may climb out of --out.
            var layerName = PathName.Of(target.Aliases.FirstOrDefault() ?? target.Address);
            PlanMovieFiles(session, inputs, layerName, result.GetValue(movieOut));
            CheckOutputs(session, inputs, layerName);
            if (isVerbose) PrintShapes(output, network, target, shapes, inputs.Count(i => !i.IsMovie), height, width);

            InversionResult Track(string title, Func<Action<Progress>, InversionResult> work) => isVerbose
                ? work(p => output.WriteLine($"{title}: step {p.Step}/{p.Iterations}  loss {string.Join(" ", p.Loss.Select(l => l.ToString("G4")))}"))
                : session.Progress.Track(title, work);

            var stills = inputs.Where(i => !i.IsMovie).ToList();
            if (stills.Count > 0) InvertStills(session, target, layerName, stills, settings, height, width, Track);
            foreach (var movie in inputs.Where(i => i.IsMovie)) InvertMovie(session, target, layerName, movie, settings, height, width, Track);
            return 0;
        });
        return command;
    }

    private static void InvertStills(Session session, NetworkLayer layer, string layerName, List<Input> stills,
        InversionSettings settings, int height, int width, Tracker track)
    {
        int[] shape = [stills.Count, session.Network.Info.InputChannels, height, width];
        var originals = session.Prepare([.. stills.Select(s => s.Frames[0])], height, width);
        using var inversion = new Inversion(session.Network, layer, shape, settings);
        string Name(int n) => $"{stills[n].Name}-{layerName}";
        var inverted = track($"invert {layerName}",
            report => inversion.Invert(originals, session.Random, report, session.SaveSteps(inversion.Image, Name)));
        for (var n = 0; n < stills.Count; n++) Finish(session, originals, inverted, n, shape, Name(n), stills[n].Path);
    }

    /// <summary>Frame by frame with one optimizer: the first frame from the start image, each next one from the previous result.</summary>
    private static void InvertMovie(Session session, NetworkLayer layer, string layerName, Input movie,
        InversionSettings settings, int height, int width, Tracker track)
    {
        int[] shape = [1, session.Network.Info.InputChannels, height, width];
        var frameLength = shape[1] * height * width;
        var frames = session.Prepare(movie.Frames, height, width);
        using var inversion = new Inversion(session.Network, layer, shape, settings);
        var (originals, results) = (new List<float[]>(), new List<PlanarImage>());
        for (var f = 0; f < movie.Frames.Count; f++)
        {
            var original = frames[(f * frameLength)..((f + 1) * frameLength)];
            var name = Path.Combine($"{movie.Name}-{layerName}", $"frame-{f + 1:D5}");
            var source = movie.IsFolder ? movie.Files[f] : $"{movie.Path} frame {f + 1}";
            var first = f == 0;
            var inverted = track($"invert {movie.Name} frame {f + 1}/{movie.Frames.Count}", report => first
                ? inversion.Invert(original, session.Random, report, session.SaveSteps(inversion.Image, _ => name))
                : inversion.Continue(original, session.Random, report, session.SaveSteps(inversion.Image, _ => name)));
            var (originalPixels, image) = Finish(session, original, inverted, 0, shape, name, source);
            originals.Add(originalPixels.Data);
            results.Add(image);
        }
        var (coherence, reference) = (TemporalCoherence.MeanAbsoluteChange([.. results.Select(r => r.Data)]), TemporalCoherence.MeanAbsoluteChange(originals));
        session.Output.WriteLine($"{movie.Path}: temporal coherence (mean |change| between frames, pixels 0..1) {coherence:F4}, original {reference:F4}" +
            (reference > 0 ? $", ratio {coherence / reference:F2}" : ""));
        if (movie.MovieOut is not { } file) return;
        try
        {
            Movie.Write(results, movie.Content.FramesPerSecond, file);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new UserException($"movie '{file}' cannot be written: {e.Message.Split('\n')[0]}");
        }
        session.Output.WriteLine($"{movie.Path} -> {file}");
    }

    /// <summary>Saves image n of a result and prints its loss and its PSNR / SSIM against the original (pixels in 0..1, range 1); returns both pictures.</summary>
    private static (PlanarImage Original, PlanarImage Result) Finish(Session session, float[] originals, InversionResult inverted, int n, int[] shape, string name, string source)
    {
        var info = session.Network.Info;
        var (c, h, w) = (shape[1], shape[2], shape[3]);
        var original = ImageSaver.ToPixels(originals, n, c, h, w, info);
        var image = ImageSaver.ToPixels(inverted.Images, n, c, h, w, info);
        ImageSaver.SavePng(image, session.OutPath(name + ".png"));
        var psnr = Psnr.Compute(original.Data, image.Data);
        var ssim = Ssim.Compute(original.Data, image.Data, c, h, w);
        session.Output.WriteLine($"{source} -> {session.OutPath(name + ".png")}: feature loss {inverted.Loss[n]:G3}, " +
            $"psnr {(double.IsPositiveInfinity(psnr) ? "inf" : psnr.ToString("F1"))} dB, ssim {ssim:F2}");
        return (original, image);
    }

    /// <summary>A still image, a folder of frames, an MP4 or a GIF (a movie once it shows several frames); must exist.</summary>
    private static Input Classify(string path)
    {
        var trimmed = Path.TrimEndingDirectorySeparator(path);
        if (Directory.Exists(trimmed))
        {
            var files = Directory.GetFiles(trimmed)
                .Where(ImageLoader.IsImage)
                .Order(StringComparer.Ordinal).ToList();
            if (files.Count == 0)
                throw new UserException($"folder '{path}' holds no frames: expected image files ({string.Join(", ", ImageLoader.Extensions)})");
            return new Input(trimmed, PathName.Of(Path.GetFileName(Path.GetFullPath(trimmed))), true, files);
        }
        Options.ExistingFile(path, "image");
        return new Input(path, PathName.Of(Path.GetFileNameWithoutExtension(path)), false, [path]);
    }

    /// <summary>Decodes every input before anything is computed; a GIF with several frames becomes a movie.</summary>
    private static void Load(Input input, int channels)
    {
        if (input.IsFolder)
            input.Content = new Movie([.. input.Files.Select(f => ImageLoader.Load(f, channels))], Movie.FolderFramesPerSecond).Checked(input.Path);
        else if (ImageLoader.IsGif(input.Path) || Movie.IsMp4(input.Path))
            input.Content = Movie.Read(input.Path, channels);
        else
            input.Content = new Movie([ImageLoader.Load(input.Path, channels)], Movie.FolderFramesPerSecond);
    }

    /// <summary>--movie-out goes to the one movie among the inputs; without it a GIF or MP4 movie gets a file of its own kind.</summary>
    private static void PlanMovieFiles(Session session, List<Input> inputs, string layerName, string? movieOut)
    {
        var movies = inputs.Where(i => i.IsMovie).ToList();
        if (movieOut is not null)
        {
            if (movies.Count != 1)
                throw new UserException($"--movie-out needs exactly one movie among the inputs (a folder of frames, an animated GIF or an MP4), got {movies.Count}");
            Movie.CheckWritable(movieOut, "--movie-out");
            movies[0].MovieOut = movieOut;
            return;
        }
        foreach (var movie in movies.Where(m => !m.IsFolder))
        {
            movie.MovieOut = session.OutPath($"{movie.Name}-{layerName}{Path.GetExtension(movie.Path).ToLowerInvariant()}");
            Movie.CheckWritable(movie.MovieOut, "movie output");
        }
    }

    /// <summary>Two inputs may not write the same output, no output may be an input, and every output folder must be writable.</summary>
    private static void CheckOutputs(Session session, List<Input> inputs, string layerName)
    {
        var sources = inputs.SelectMany(i => i.Files).ToArray();
        var seen = new Dictionary<string, string>();
        foreach (var input in inputs)
        {
            var target = Path.GetFullPath(session.OutPath($"{input.Name}-{layerName}" + (input.IsMovie ? "" : ".png")));
            if (!seen.TryAdd(target, input.Path))
                throw new UserException($"'{seen[target]}' and '{input.Path}' would both write {target}: give them different names");
            if (!input.IsMovie)
            {
                Options.WritableOutput(target, sources);
                continue;
            }
            OutputFile.CreateFolder(target, "movie output folder");
            for (var f = 0; f < input.Frames.Count; f++) Options.WritableOutput(Path.Combine(target, $"frame-{f + 1:D5}.png"), sources);
            if (input.MovieOut is { } file) Options.WritableOutput(file, [.. sources, .. inputs.Select(i => i.Path)]);
        }
    }

    private static IReadOnlyList<int[]> OutputShapes(Network network, NetworkLayer target, int height, int width) =>
        network.Fits(height, width, [target]) ? network.OutputShapes(1, height, width, [target])
            : throw new UserException($"input size {height}x{width} does not fit {network.Info.Arch} up to {target.Name}; " +
                $"square sizes that fit: {network.SizesThatFit([target])}");

    private static void PrintShapes(TextWriter output, Network network, NetworkLayer target, IReadOnlyList<int[]> shapes, int batch, int height, int width)
    {
        output.WriteLine($"input {Tensor.Format([Math.Max(batch, 1), network.Info.InputChannels, height, width])}");
        var needed = network.Ancestors([target.Index]);
        foreach (var l in network.Layers.Where(l => needed[l.Index]))
            output.WriteLine($"{l.Index,3} {l.Address,-14} {string.Join("/", l.Aliases),-28} {Tensor.Format([Math.Max(batch, 1), .. shapes[l.Index][1..]])}");
    }

    /// <summary>The largest --learning-rate, in normalized units: far above any rate that converges.</summary>
    private const float MaxLearningRate = 100f;

    /// <summary>The largest --alpha: beyond it |x|^alpha overflows single precision for any pixel far from the mean.</summary>
    private const float MaxAlpha = 32f;

    /// <summary>The most --coarse-to-fine levels: a fifth would start below the smallest size most networks take.</summary>
    private const int MaxLevels = 4;

    /// <summary>"SIZE:EVERY[,SIZE:EVERY...]", e.g. 3:10,7:20: an odd kernel size and an interval in steps.</summary>
    private static List<BlurStep> ParseBlur(string text)
    {
        var steps = new List<BlurStep>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var pair = part.Split(':');
            if (pair.Length != 2 || !int.TryParse(pair[0], out var blurSize) || !int.TryParse(pair[1], out var every)
                || blurSize is < 1 or > Limits.MaxSize || blurSize % 2 == 0 || every is < 1 or > Limits.MaxSteps)
                throw new UserException($"expected SIZE:EVERY pairs separated by commas, SIZE odd and 1 to {Limits.MaxSize}, EVERY 1 to {Limits.MaxSteps}, " +
                    $"e.g. 3:10,7:20; got '{text}'");
            steps.Add(new BlurStep(blurSize, every));
        }
        return steps;
    }

    /// <summary>A learning-rate schedule as --schedule writes it.</summary>
    private static LearningRateSchedule? ParseSchedule(string text) =>
        LearningRateSchedule.Parse(text) is { } schedule && schedule.Problem() is null ? schedule
            : throw new UserException($"expected constant, cosine or step:EVERY:FACTOR with EVERY at least 1 and FACTOR above 0 (e.g. step:100:0.1); got '{text}'");
}
