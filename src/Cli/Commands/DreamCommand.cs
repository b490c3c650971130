using System.CommandLine;
using DeepVis.Images;
using DeepVis.Optim;

namespace DeepVis.Cli.Commands;

/// <summary><c>deepvis dream</c>: DeepDream on one image, over an octave pyramid; writes out/&lt;stem&gt;-dream.png.</summary>
public static class DreamCommand
{
    public static Command Create(TextWriter output)
    {
        var common = new CommonOptions();
        var image = new Argument<string>("IMAGE") { Description = "the image to dream on (PNG, JPEG, BMP, TGA or GIF)" };
        var layers = new Option<string[]>("--layer")
        {
            Description = "layer whose activation norm is amplified (address, alias or index; repeat for several, their objectives add up)",
            Required = true,
        };
        var octaves = OptionFactory.Int("--octaves", "octaves in the pyramid, each --octave-scale smaller", 1, Limits.MaxOctaves, 4);
        var octaveScale = OptionFactory.Float("--octave-scale", "size ratio between octaves", new NumberRange(1, MaxOctaveScale, MinOpen: true), 1.4f);
        var iterations = OptionFactory.Int("--iterations", "gradient steps per octave", 1, Limits.MaxSteps, 10);
        var stepSize = OptionFactory.Float("--step-size", "step per iteration in pixel levels (0..255) per mean |gradient|, as the original DeepDream",
            NumberRange.Positive(MaxStepLevels), 1.5f);
        var jitter = OptionFactory.OptionalInt("--jitter", "largest random shift in pixels each step (default 32 per 224 pixels of the smaller side, at least 1)",
            0, Limits.MaxPixels);
        var size = OptionFactory.Size("--size", "optimize at H or H,W pixels, e.g. 112 for a 28x28 image (default: the image's own size)");
        var command = new Command("dream", "Amplify what layers see in an image (DeepDream, with octaves and jitter).")
        {
            image, layers, octaves, octaveScale, iterations, stepSize, jitter, size,
        };
        common.AddTo(command);
        command.SetAction(result =>
        {
            var (octaveCount, scale, steps, step) = (result.GetValue(octaves), result.GetValue(octaveScale), result.GetValue(iterations), result.GetValue(stepSize));
            var imagePath = Options.ExistingFile(result.GetValue(image)!, "image");
            var requested = result.GetValue(size);
            using var session = common.Open(result, output);
            var network = session.Network;
            var targets = result.GetValue(layers)!.Select(network.Resolve).ToList();
            var (askedH, askedW) = requested ?? OwnSize(imagePath, network.Info.InputChannels);
            var pyramid = DeepDream.Pyramid(network, targets, askedH, askedW, octaveCount, scale);
            var (height, width, sizes) = (pyramid.Height, pyramid.Width, pyramid.Octaves);
            if ((height, width) != (askedH, askedW))
                output.WriteLine($"dream: {askedH}x{askedW} does not fit this {network.Info.Arch} up to {string.Join(", ", targets.Select(t => t.Name))} " +
                    $"(square sizes that fit: {network.SizesThatFit(targets)}): dreaming at {height}x{width}");
            var stem = Path.GetFileNameWithoutExtension(imagePath);
            var name = $"{stem}-dream.png";
            var outPath = Options.WritableOutput(session.OutPath(name), imagePath);

            if (sizes.Count < octaveCount)
                output.WriteLine($"dream: {sizes.Count} of {octaveCount} octaves fit: this {network.Info.Arch} needs at least {pyramid.Minimum}x{pyramid.Minimum}");
            var shift = result.GetValue(jitter) ?? DeepDream.DefaultJitter(height, width);
            var settings = new DreamSettings(steps, InputSize.PixelLevels(network.Info, step), shift);
            var dream = DeepDream.Run(network, targets, session.LoadImages([imagePath], height, width), sizes, settings, session.Random,
                (optimizer, k) => session.Optimize(optimizer, steps, $"dream octave {k + 1}/{sizes.Count} {sizes[k].H}x{sizes[k].W}",
                    _ => $"{stem}-dream-octave{k + 1}"));
            session.SaveImage(dream.Image, 0, [1, network.Info.InputChannels, height, width], name);
            output.WriteLine($"dream: 0.5*||activation||^2 of {string.Join(" + ", targets.Select(t => t.Address))}: " +
                $"{dream.StartObjective:G4} -> {dream.EndObjective:G4}; jitter {shift} px; wrote {outPath}");
            return 0;
        });
        return command;
    }

    /// <summary>The largest --octave-scale: each octave at least a tenth of the next.</summary>
    private const float MaxOctaveScale = 10f;

    /// <summary>The largest --step-size, in pixel levels: a step across the whole 0..255 range.</summary>
    private const float MaxStepLevels = 255f;

    /// <summary>The image's own size, the pyramid's full size when --size is not given.</summary>
    private static (int H, int W) OwnSize(string path, int channels)
    {
        var image = ImageLoader.Load(path, channels);
        return (image.Height, image.Width);
    }
}
