using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Kernels.Update;
using DeepVis.Nets;
using DeepVis.Optim.Objectives;
using DeepVis.Optim.Steps;

namespace DeepVis.Optim;

/// <summary>Per-octave settings of a dream: iterations, the normalized step in input units, the jitter in pixels.</summary>
public sealed record DreamSettings(int Iterations, float Step, int Jitter)
{
    /// <summary>The first setting out of its range, or null; checked before a dream allocates anything.</summary>
    public string? Problem() =>
        Iterations < 1 ? $"dream iterations must be at least 1, got {Iterations}"
        : !Finite.Positive(Step) ? $"dream step must be above 0, got {Step}"
        : Jitter < 0 ? $"dream jitter must be at least 0 pixels, got {Jitter}"
        : null;
}

/// <summary>
/// The dreamed image (normalized, [1, C, H, W] at the last octave's size) and the objective
/// 0.5 * sum of ||activation||^2 over the layers, on the full-size original and on the result.
/// </summary>
public sealed record DreamResult(float[] Image, float StartObjective, float EndObjective);

/// <summary>
/// Where a dream runs: the size nearest the one asked that the layers accept, and the octaves from
/// smallest to that size, each snapped the same way (fewer than asked where small ones coincide or
/// fall below <paramref name="Minimum"/>, the smallest side the layers take).
/// </summary>
public sealed record DreamPyramid(int Height, int Width, IReadOnlyList<(int H, int W)> Octaves, int Minimum);

/// <summary>Runs one octave's optimization and returns its last loss; the CLI's runner adds progress and frames.</summary>
public delegate float[] OctaveRunner(ImageOptimizer optimizer, int octave);

/// <summary>
/// DeepDream (Mordvintsev et al., the Caffe notebook's algorithm): gradient ascent on the layers'
/// squared activation norm with a normalized step, a random roll each step and the pixel range
/// clamped, over an octave pyramid. Each octave starts from its downscaled original plus the detail
/// the octave below added (result - base), upsampled bilinearly; all of it on the device.
/// </summary>
public static class DeepDream
{
    /// <summary>
    /// The pyramid for an image of <paramref name="height"/> x <paramref name="width"/>: <paramref name="count"/>
    /// octaves, each <paramref name="scale"/> times smaller than the next; a size below what the layers
    /// take is a <see cref="SettingsException"/>.
    /// </summary>
    public static DreamPyramid Pyramid(Network network, IReadOnlyList<NetworkLayer> layers, int height, int width, int count, float scale)
    {
        var minimum = InputSize.Minimum(network, [.. layers]);
        if (height < minimum || width < minimum)
            throw new SettingsException($"size {height}x{width} is too small for this {network.Info.Arch}: it needs at least {minimum}x{minimum}");
        // Every octave is snapped to sides the layers accept (all sides for most networks).
        var sides = InputSize.Sides(network, [.. layers], 2 * Math.Max(height, width));
        var (h, w) = (InputSize.Nearest(sides, height), InputSize.Nearest(sides, width));
        var octaves = Octaves.Sizes(h, w, count, scale, minimum)
            .Select(o => (H: InputSize.Nearest(sides, o.H), W: InputSize.Nearest(sides, o.W))).Distinct().ToList();
        return new DreamPyramid(h, w, octaves, minimum);
    }

    /// <summary>The largest random shift per step when none is given: 32 pixels per 224 of the smaller side, at least 1.</summary>
    public static int DefaultJitter(int height, int width) => Math.Max(1, (int)Math.Round(32.0 * Math.Min(height, width) / 224));

    /// <param name="image">the normalized original at the full size, the last of <paramref name="octaves"/></param>
    public static DreamResult Run(Network network, IReadOnlyList<NetworkLayer> layers, float[] image,
        IReadOnlyList<(int H, int W)> octaves, DreamSettings settings, Random random, OctaveRunner? run = null)
    {
        if (settings.Problem() is { } problem) throw new SettingsException(problem);
        run ??= (optimizer, _) => optimizer.Run(settings.Iterations, settings.Iterations, random);
        var device = network.Device;
        int[] Shape(int k) => [1, network.Info.InputChannels, octaves[k].H, octaves[k].W];
        var bases = new List<Tensor>();
        Tensor? detail = null;
        using var normalization = new ChannelStats(device, network.Info.Mean, network.Info.Std);
        try
        {
            for (var k = 0; k < octaves.Count; k++) bases.Add(new Tensor(device, Shape(k)));
            bases[^1].CopyFrom(image);
            // Each octave is zoomed from the one above, as the original does.
            for (var k = octaves.Count - 2; k >= 0; k--) Resize.Forward(bases[k + 1], bases[k]);
            var start = 0f;
            for (var k = 0; k < octaves.Count; k++)
            {
                using var optimizer = new ImageOptimizer(network, Shape(k),
                    [.. layers.Select(l => new ActivationNormObjective(l, device, 1))], Hooks(device, Shape(k), settings, normalization, network));
                bases[k].CopyTo(optimizer.Image);
                if (k == octaves.Count - 1) start = Objective(optimizer, layers[0]);
                if (detail is not null)
                {
                    var upsampled = new Tensor(device, Shape(k));
                    Resize.Forward(detail, upsampled);
                    detail.Dispose();
                    detail = upsampled;
                    Arithmetic.Axpy(1f, detail, optimizer.Image);
                }
                run(optimizer, k);
                if (k < octaves.Count - 1)
                {
                    detail ??= new Tensor(device, Shape(k));
                    Arithmetic.Subtract(optimizer.Image, bases[k], detail);
                    continue;
                }
                var end = Objective(optimizer, layers[0]);
                return new DreamResult(optimizer.Image.ToArray(), start, end);
            }
            throw new SettingsException("a dream needs at least one octave");
        }
        finally
        {
            detail?.Dispose();
            foreach (var b in bases) b.Dispose();
        }
    }

    /// <summary>Jitter first (it rolls the image and gradient back before the others see them), then the step, then the clamp.</summary>
    private static IStepHook[] Hooks(Device device, int[] shape, DreamSettings settings, ChannelStats normalization, Network network)
    {
        var step = new NormalizedStep(device, 1, settings.Step);
        var clamp = new PixelRangeClamp(normalization, network.Info.InputRange);
        return settings.Jitter > 0 ? [new Jitter(device, shape, settings.Jitter), step, clamp] : [step, clamp];
    }

    /// <summary>0.5 * sum of ||activation||^2 on the optimizer's current image (a forward pass and a few floats read back).</summary>
    private static float Objective(ImageOptimizer optimizer, NetworkLayer layer)
    {
        optimizer.Evaluate(layer);
        return -optimizer.Loss()[0];
    }
}
