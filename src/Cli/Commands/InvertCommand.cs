using System.CommandLine;
using DeepVis.Cli.Images;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Optim;
using DeepVis.Optim.Quality;

namespace DeepVis.Cli.Commands;

/// <summary>
/// <c>deepvis invert</c>: feature inversion (Mahendran &amp; Vedaldi). Still images run as one batch
/// and are written as out/&lt;stem&gt;-&lt;layer&gt;.png; a folder of frames or an animated GIF is a
/// movie, inverted frame by frame (each warm-started from the last) into out/&lt;name&gt;-&lt;layer&gt;/frame-00001.png, ...
/// Each result is scored against its original (PSNR, SSIM on pixels in 0..1).
/// </summary>
public static class InvertCommand
{
    /// <summary>A still image of the batch, or a movie's frames, with where its result goes.</summary>
    private sealed record Input(string Path, string Name, bool IsFolder, IReadOnlyList<string> Files)
    {
        public IReadOnlyList<PlanarImage> Frames { get; set; } = [];

        public bool IsMovie => IsFolder || Frames.Count > 1;
    }

    /// <summary>Runs an inversion under a progress display titled <paramref name="title"/>.</summary>
    private delegate InversionResult Tracker(string title, Func<Action<Progress>, InversionResult> work);

    public static Command Create(TextWriter output)
    {
        var common = new CommonOptions();
        var images = new Argument<string[]>("IMAGE")
        {
            Description = "images to invert (one batch), or a folder of frames / an animated GIF (a movie, frame by frame)",
            Arity = ArgumentArity.OneOrMore,
        };
        var layer = new Option<string>("--layer") { Description = "layer whose features are matched (address, alias or index; see 'deepvis layers')", Required = true };
        var init = new Option<string>("--init") { Description = "start from 'noise' or the dataset's 'mean' image (default noise)", DefaultValueFactory = _ => "noise" };
        init.AcceptOnlyFromAmong("noise", "mean");
        var iterations = new Option<int>("--iterations") { Description = "gradient steps (default 500)", DefaultValueFactory = _ => 500 };
        var warm = new Option<int?>("--warm-iterations") { Description = "gradient steps for movie frames after the first, which start from the previous result (default: iterations / 4)" };
        var rate = new Option<float>("--learning-rate")
        {
            Description = "vanilla gradient descent at a constant rate, set so the first step changes each pixel by this much on average, in the model's normalized units (default 0.2)",
            DefaultValueFactory = _ => 0.2f,
        };
        var blur = new Option<string>("--blur")
        {
            Description = "Gaussian blurs as SIZE:EVERY pairs, sigma chosen from the size (default 3:10,7:20: 3x3 every 10 steps and 7x7 every 20)",
            DefaultValueFactory = _ => "3:10,7:20",
        };
        var noBlur = new Option<bool>("--no-blur") { Description = "no blur at all" };
        var gradClip = new Option<float>("--grad-std-clip") { Description = "clip the gradient to its mean +- K std before each step; 0 turns it off (default 1.5)", DefaultValueFactory = _ => 1.5f };
        var imageClip = new Option<float>("--image-std-clip") { Description = "clip the image to its mean +- K std after each step; 0 turns it off (default 3)", DefaultValueFactory = _ => 3f };
        var tv = new Option<float>("--tv-weight") { Description = "weight of the total-variation prior (squared differences, beta 2); 0 is off (default 0)" };
        var alphaWeight = new Option<float>("--alpha-norm-weight") { Description = "weight lambda of the alpha-norm prior lambda * sum |x|^alpha on the normalized image; 0 is off (default 0)" };
        var alpha = new Option<float>("--alpha") { Description = "the alpha of --alpha-norm-weight, at least 1 (default 6)", DefaultValueFactory = _ => 6f };
        var size = new Option<string?>("--size") { Description = "invert at H or H,W pixels (default: the model's default input size)" };
        var verbose = new Option<bool>("--verbose") { Description = "print the layer shapes up to --layer and the loss every 10 steps" };
        var command = new Command("invert", "Re-create images from their features at a layer (Mahendran & Vedaldi feature inversion).")
        {
            images, layer, init, iterations, warm, rate, blur, noBlur, gradClip, imageClip, tv, alphaWeight, alpha, size, verbose,
        };
        common.AddTo(command);
        command.SetAction(result =>
        {
            var isVerbose = result.GetValue(verbose);
            var settings = new InversionSettings
            {
                Iterations = result.GetValue(iterations),
                WarmIterations = result.GetValue(warm),
                LearningRate = result.GetValue(rate),
                Blur = result.GetValue(noBlur) ? [] : ParseBlur(result.GetValue(blur)!),
                GradientStdClip = result.GetValue(gradClip),
                ImageStdClip = result.GetValue(imageClip),
                TvWeight = result.GetValue(tv),
                AlphaNormWeight = result.GetValue(alphaWeight),
                Alpha = result.GetValue(alpha),
                Start = result.GetValue(init) == "mean" ? InversionStart.Mean : InversionStart.Noise,
            };
            settings = settings with { ReportEvery = isVerbose ? 10 : Math.Max(1, settings.Iterations / 50) };
            if (settings.Problem() is { } problem) throw new UserException(problem);
            var inputs = result.GetValue(images)!.Select(Classify).ToList();

            using var session = common.Open(result, output);
            var network = session.Network;
            var target = network.Resolve(result.GetValue(layer)!);
            var (height, width) = Options.ImageSize(result.GetValue(size), network.Info.DefaultSize);
            var shapes = OutputShapes(network, target, height, width);
            if (settings.Problem(height, width) is { } sizeProblem) throw new UserException(sizeProblem);
            foreach (var input in inputs) Load(input, network.Info.InputChannels);
            var layerName = target.Aliases.FirstOrDefault() ?? target.Address;
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
        for (var f = 0; f < movie.Frames.Count; f++)
        {
            var original = frames[(f * frameLength)..((f + 1) * frameLength)];
            var name = Path.Combine($"{movie.Name}-{layerName}", $"frame-{f + 1:D5}");
            var source = movie.IsFolder ? movie.Files[f] : $"{movie.Path} frame {f + 1}";
            var first = f == 0;
            var inverted = track($"invert {movie.Name} frame {f + 1}/{movie.Frames.Count}", report => first
                ? inversion.Invert(original, session.Random, report, session.SaveSteps(inversion.Image, _ => name))
                : inversion.Continue(original, session.Random, report, session.SaveSteps(inversion.Image, _ => name)));
            Finish(session, original, inverted, 0, shape, name, source);
        }
    }

    /// <summary>Saves image n of a result and prints its loss and its PSNR / SSIM against the original (pixels in 0..1, range 1).</summary>
    private static void Finish(Session session, float[] originals, InversionResult inverted, int n, int[] shape, string name, string source)
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
    }

    /// <summary>A still image, a folder of frames, or a GIF (a movie once it shows several frames); must exist.</summary>
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
            return new Input(trimmed, Path.GetFileName(Path.GetFullPath(trimmed)), true, files);
        }
        Options.ExistingFile(path, "image");
        return new Input(path, Path.GetFileNameWithoutExtension(path), false, [path]);
    }

    /// <summary>Decodes every input before anything is computed; a GIF with several frames becomes a movie.</summary>
    private static void Load(Input input, int channels)
    {
        input.Frames = input.IsFolder
            ? [.. input.Files.Select(f => ImageLoader.Load(f, channels))]
            : ImageLoader.LoadFrames(input.Path, channels);
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
            try
            {
                Directory.CreateDirectory(target);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserException($"movie output folder '{target}' cannot be created: {e.Message}");
            }
            for (var f = 0; f < input.Frames.Count; f++) Options.WritableOutput(Path.Combine(target, $"frame-{f + 1:D5}.png"), sources);
        }
    }

    private static IReadOnlyList<int[]> OutputShapes(Network network, NetworkLayer target, int height, int width)
    {
        try
        {
            return network.OutputShapes(1, height, width, [target]);
        }
        catch (ShapeException e)
        {
            throw new UserException($"input size {height}x{width} does not fit {network.Info.Arch} up to {target.Name}: {e.Message}; " +
                $"square sizes that fit: {network.SizesThatFit([target])}");
        }
    }

    private static void PrintShapes(TextWriter output, Network network, NetworkLayer target, IReadOnlyList<int[]> shapes, int batch, int height, int width)
    {
        output.WriteLine($"input {Tensor.Format([Math.Max(batch, 1), network.Info.InputChannels, height, width])}");
        var needed = network.Ancestors([target.Index]);
        foreach (var l in network.Layers.Where(l => needed[l.Index]))
            output.WriteLine($"{l.Index,3} {l.Address,-14} {string.Join("/", l.Aliases),-28} {Tensor.Format([Math.Max(batch, 1), .. shapes[l.Index][1..]])}");
    }

    /// <summary>"SIZE:EVERY[,SIZE:EVERY...]", e.g. 3:10,7:20.</summary>
    private static List<BlurStep> ParseBlur(string text)
    {
        var steps = new List<BlurStep>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var pair = part.Split(':');
            if (pair.Length != 2 || !int.TryParse(pair[0], out var blurSize) || !int.TryParse(pair[1], out var every))
                throw new UserException($"--blur expects SIZE:EVERY pairs separated by commas, e.g. 3:10,7:20; got '{text}'");
            steps.Add(new BlurStep(blurSize, every));
        }
        return steps;
    }
}
