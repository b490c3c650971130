using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Nets.Weights;
using DeepVis.Optim.Objectives;
using DeepVis.Optim.Quality;
using DeepVis.Optim.Render;
using DeepVis.Optim.Steps;

namespace DeepVis.Optim;

/// <summary>The images of a class visualization (normalized, [N, C, H, W] on the host) and the network's logits for them.</summary>
public sealed record ClassImages(float[] Images, int[] Shape, IReadOnlyList<int> Classes, float[] Logits, int ClassCount)
{
    public float TargetLogit(int n) => Logits[n * ClassCount + Classes[n]];

    /// <summary>softmax(logits of item n)[its class], computed in double on the host.</summary>
    public float Probability(int n)
    {
        var row = Logits.AsSpan(n * ClassCount, ClassCount);
        var max = row[Predicted(n)];
        double sum = 0;
        foreach (var v in row) sum += Math.Exp(v - max);
        return (float)(Math.Exp(TargetLogit(n) - max) / sum);
    }

    /// <summary>The class the network would predict for item n (its largest logit).</summary>
    public int Predicted(int n)
    {
        var row = Logits.AsSpan(n * ClassCount, ClassCount);
        var best = 0;
        for (var k = 1; k < row.Length; k++)
            if (row[k] > row[best]) best = k;
        return best;
    }
}

/// <summary>
/// Class model visualization (Simonyan, Vedaldi &amp; Zisserman 2014): item n of one batch maximizes the
/// pre-softmax logit of class n minus an L2 penalty, coarse to fine over octaves. Per step, on the device:
/// jitter, L2 gradient, normalized step, annealed Gaussian blur, optional bilateral / TV denoising, clamp
/// to the valid pixel range. Between octaves the images are resized on the device (bilinear).
/// </summary>
public static class ClassVisualization
{
    /// <summary>Runs one octave's steps (the CLI's runner shows progress and saves frames); returns the last loss.</summary>
    public delegate float[] OctaveRunner(ImageOptimizer optimizer, int octave, Octave schedule);

    public static ClassImages Run(Network network, IReadOnlyList<int> classes, ClassSettings settings, Random random, OctaveRunner? runOctave = null)
    {
        if (classes.Count == 0) throw new SettingsException("class visualization: expected at least one class");
        if (settings.Problem() is { } problem) throw new SettingsException(problem);
        runOctave ??= (optimizer, _, octave) => optimizer.Run(octave.Iterations, octave.Iterations, random);
        var (device, info) = (network.Device, network.Info);
        var logits = network.Resolve("logits");
        var classCount = network.OutputShapes(1, info.DefaultSize, info.DefaultSize, [logits])[logits.Index][1];
        foreach (var c in classes)
            if (c < 0 || c >= classCount) throw new SettingsException($"class {c} is not one of the network's {classCount} classes (0 to {classCount - 1})");
        var sizes = settings.OctaveSizes(settings.Size ?? info.DefaultSize);
        using var normalization = new ChannelStats(device, info.Mean, info.Std);
        ImageOptimizer? previous = null;
        try
        {
            for (var o = 0; o < sizes.Count; o++)
            {
                int[] shape = [classes.Count, info.InputChannels, sizes[o], sizes[o]];
                var octave = settings.Octaves[o];
                var optimizer = new ImageOptimizer(network, shape,
                    [MaskObjective.Logits(device, logits, network.OutputShapes(shape[0], shape[2], shape[3], [logits])[logits.Index], classes)],
                    Hooks(device, info, shape, settings, octave, normalization));
                if (previous is null) optimizer.Image.CopyFrom(Start(info, shape, settings, random));
                else Resize.Forward(previous.Image, optimizer.Image);
                previous?.Dispose();
                previous = optimizer;
                runOctave(optimizer, o, octave);
            }
            var final = previous!;
            return new ClassImages(final.Image.ToArray(), [.. final.Image.Shape], classes, final.Evaluate(logits), classCount);
        }
        finally
        {
            previous?.Dispose();
        }
    }

    private static List<IStepHook> Hooks(Device device, ModelInfo info, int[] shape, ClassSettings settings, Octave octave, ChannelStats normalization)
    {
        // Order matters within a phase: the penalty joins the gradient before the step takes it;
        // the filters act on the stepped image, and the clamp comes last.
        var hooks = new List<IStepHook>();
        if (settings.Jitter > 0) hooks.Add(new Jitter(device, shape, settings.Jitter)); // first: it rolls the gradient back before the others see it
        hooks.AddRange(
        [
            new L2PenaltyHook(settings.L2),
            new NormalizedStep(device, shape[0], settings.StepSize),
            new AnnealedBlur(device, shape, octave.StartSigma, octave.EndSigma),
        ]);
        if (settings.Bilateral is { } b) hooks.Add(new BilateralHook(device, info, shape, b.SigmaSpace, b.SigmaRange, b.Every));
        if (settings.TvDenoise is { } tv) hooks.Add(new TvDenoiseHook(device, info, shape, tv.Weight, tv.Every));
        hooks.Add(new PixelRangeClamp(normalization, info.InputRange));
        return hooks;
    }

    /// <summary>
    /// Lucid-style class images (<c>class --param ...</c>): item n of one render maximizes the logit of
    /// classes[n], from the background colour when given; the network's logits for the rendered images.
    /// </summary>
    public static ClassImages Render(Network network, IReadOnlyList<int> classes, RenderSettings settings, float[]? background, Random random,
        RenderRunner? run = null)
    {
        var logits = network.Resolve("logits");
        var objective = classes.Select((c, n) => Objective.Channel(logits.Address, c).At(n)).Aggregate((a, b) => a + b);
        var (channels, plane) = (network.Info.InputChannels, settings.Size * settings.Size);
        // The render starts from pixels in the network's channel order.
        float[]? start = background is null ? null
            : [.. Enumerable.Repeat(Colour(network.Info.ColorOrder == "BGR" ? [.. background.Reverse()] : background, channels, plane), classes.Count).SelectMany(i => i)];
        var rendered = Renderer.Run(network, objective, classes.Count, settings, random, start, run);
        return Classify(network, rendered.Pixels, rendered.Shape, classes);
    }

    /// <summary>
    /// What a network makes of pixel images (0..1, its channel order, [N, C, H, W]) meant to show
    /// classes: its normalized inputs and its logits. A second network judges another's class images this way.
    /// </summary>
    public static ClassImages Classify(Network network, float[] pixels, int[] shape, IReadOnlyList<int> classes)
    {
        var logits = network.Resolve("logits");
        var (values, _) = FeatureVisQuality.PixelOutputs(network, logits, pixels, shape);
        return new ClassImages(PixelInput.Inputs(pixels, shape[1], shape[2] * shape[3], network.Info), shape, classes, values, values.Length / shape[0]);
    }

    /// <summary>One image of an RGB colour (0..1) in pixels of the network's channel order; one channel takes its luma.</summary>
    private static float[] Colour(float[] rgb, int channels, int plane)
    {
        float[] colour = channels == 1 ? [0.299f * rgb[0] + 0.587f * rgb[1] + 0.114f * rgb[2]] : rgb;
        var pixels = new float[channels * plane];
        for (var c = 0; c < channels; c++) Array.Fill(pixels, colour[c], c * plane, plane);
        return pixels;
    }

    /// <summary>The first octave's images: the background colour, or the dataset mean plus pixel noise (drawn on the host once).</summary>
    private static float[] Start(ModelInfo info, int[] shape, ClassSettings settings, Random random)
    {
        var (n, channels, plane) = (shape[0], shape[1], shape[2] * shape[3]);
        if (settings.Background is { } rgb)
        {
            var image = info.Normalize(Colour(rgb, channels, plane), plane);
            return [.. Enumerable.Repeat(image, n).SelectMany(i => i)];
        }
        // Pixel noise of std Noise around the mean: x = Noise * range / std[c] * g in normalized units.
        var data = new float[n * channels * plane];
        for (var i = 0; i < data.Length; i++)
        {
            var g = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            data[i] = (float)(settings.Noise * info.InputRange / info.Std[i / plane % channels] * g);
        }
        return data;
    }
}
