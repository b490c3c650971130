using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Nets.Weights;
using DeepVis.Optim.Objectives;
using DeepVis.Optim.Steps;

namespace DeepVis.Optim;

/// <summary>
/// Settings of a filter visualization: a square image of <paramref name="Size"/> pixels, the normalized
/// step in input units, L2 decay per step, and a Gaussian blur every <paramref name="BlurEvery"/> steps
/// (0: none) of <paramref name="BlurSigma"/>.
/// </summary>
public sealed record FilterSettings(int Size, int Iterations, float Step, float Decay, int BlurEvery, float BlurSigma)
{
    public const int DefaultIterations = 200;

    /// <summary>The default step in pixel levels (0..255) per mean |gradient|.</summary>
    public const float DefaultStepLevels = 3f;

    public const float DefaultDecay = 1e-4f;

    public const int DefaultBlurEvery = 4;

    public const float DefaultBlurSigma = 0.5f;

    /// <summary>The first setting out of its range, or null; checked before a run allocates anything.</summary>
    public string? Problem() =>
        Size < 1 ? $"filter image size must be at least 1, got {Size}"
        : Iterations < 1 ? $"filter iterations must be at least 1, got {Iterations}"
        : !Finite.Positive(Step) ? $"filter step must be above 0, got {Step}"
        : !(Decay is >= 0 and < 1) ? $"filter decay must be at least 0 and below 1, got {Decay}"
        : BlurEvery < 0 ? $"filter blur interval must be at least 0 (0: no blur), got {BlurEvery}"
        : !Finite.NonNegative(BlurSigma) ? $"filter blur sigma must be at least 0 (0: no blur), got {BlurSigma}"
        : null;

    /// <summary>What <c>deepvis filters</c> runs with no options, at <paramref name="size"/> pixels.</summary>
    public static FilterSettings Defaults(ModelInfo info, int size) =>
        new(size, DefaultIterations, InputSize.PixelLevels(info, DefaultStepLevels), DefaultDecay, DefaultBlurEvery, DefaultBlurSigma);
}

/// <summary>A filter's mean activation (or a unit's value) on the noise start and on the optimized image.</summary>
public sealed record FilterActivation(int Filter, float Start, float End);

/// <summary>Runs one batch's optimization and returns its last loss; the CLI's runner adds progress and frames.</summary>
public delegate float[] BatchRunner(ImageOptimizer optimizer, IReadOnlyList<int> filters);

/// <summary>
/// Activation maximization of single filters: item n of a batch starts from grey noise and maximizes
/// the mean of channel filters[n] of the layer (for a linear layer, unit filters[n]), with a normalized
/// step, L2 decay, periodic blur and the pixel range clamped. The filters go through in batches,
/// one optimizer per batch, so a batch is one launch per kernel.
/// </summary>
public static class FilterMaximization
{
    /// <summary>How many filters the layer has: channels of an [N, C, H, W] output, units of an [N, F] one.</summary>
    public static int Count(Network network, NetworkLayer layer, int size) => network.OutputShapes(1, size, size, [layer])[layer.Index][1];

    /// <summary>
    /// Device memory one filter of a batch takes: its image, the image gradient and the blur scratch,
    /// every layer's output and gradient up to the layer, and the objective's mask.
    /// </summary>
    public static long BytesPerFilter(Network network, NetworkLayer layer, int size)
    {
        static long Length(int[] shape) => shape.Aggregate(1L, (a, b) => a * b);
        var shapes = network.OutputShapes(1, size, size, [layer]);
        var input = (long)network.Info.InputChannels * size * size;
        return sizeof(float) * (3 * input + 2 * shapes.Take(layer.Index + 1).Sum(Length) + Length(shapes[layer.Index]));
    }

    /// <summary>Device memory for one batch when the device does not report its size (the CPU accelerator).</summary>
    public const long FixedBudget = 256L << 20;

    /// <summary>The memory a batch of filters may take: half the device's when it reports it, else <see cref="FixedBudget"/>.</summary>
    public static long MemoryBudget(Device device) =>
        device.IsCpu ? FixedBudget : device.Accelerator.MemorySize / 2;

    /// <summary>How many filters of the layer fit <paramref name="budgetBytes"/> of device memory at once (at least one).</summary>
    public static int BatchThatFits(Network network, NetworkLayer layer, int size, long budgetBytes) =>
        (int)Math.Clamp(budgetBytes / BytesPerFilter(network, layer, size), 1, int.MaxValue);

    public static IReadOnlyList<FilterActivation> Run(Network network, NetworkLayer layer, IReadOnlyList<int> filters, int batch,
        FilterSettings settings, Random random, BatchRunner? run = null, Action<IReadOnlyList<int>, Tensor>? finished = null)
    {
        if (settings.Problem() is { } problem) throw new SettingsException(problem);
        run ??= (optimizer, _) => optimizer.Run(settings.Iterations, settings.Iterations, random);
        var device = network.Device;
        using var normalization = new ChannelStats(device, network.Info.Mean, network.Info.Std);
        var results = new List<FilterActivation>();
        foreach (var chunk in filters.Chunk(batch))
        {
            int[] shape = [chunk.Length, network.Info.InputChannels, settings.Size, settings.Size];
            var output = network.OutputShapes(chunk.Length, settings.Size, settings.Size, [layer])[layer.Index];
            var objective = output.Length == 4
                ? MaskObjective.ChannelMeans(device, layer, output, chunk)
                : MaskObjective.Logits(device, layer, output, chunk);
            using var optimizer = new ImageOptimizer(network, shape, [objective], Hooks(device, shape, settings, normalization, network));
            optimizer.Image.CopyFrom(Noise(network, shape, random));
            var start = Activations(optimizer, layer);
            run(optimizer, chunk);
            var end = Activations(optimizer, layer);
            finished?.Invoke(chunk, optimizer.Image);
            results.AddRange(chunk.Select((f, n) => new FilterActivation(f, start[n], end[n])));
        }
        return results;
    }

    private static IStepHook[] Hooks(Device device, int[] shape, FilterSettings s, ChannelStats normalization, Network network)
    {
        var hooks = new List<IStepHook> { new NormalizedStep(device, shape[0], s.Step) };
        if (s.Decay > 0) hooks.Add(new L2Decay(s.Decay));
        // A kernel of about +- 2 sigma, smaller than the image (reflect padding needs it).
        var radius = Math.Min((int)MathF.Ceiling(2 * s.BlurSigma), Math.Min(shape[2], shape[3]) - 1);
        if (s.BlurEvery > 0 && radius >= 1) hooks.Add(new PeriodicBlur(device, shape, 2 * radius + 1, s.BlurSigma, s.BlurEvery));
        hooks.Add(new PixelRangeClamp(normalization, network.Info.InputRange));
        return [.. hooks];
    }

    /// <summary>Mid-grey with +- 10 levels of uniform noise (as Keras' filter visualization example), normalized.</summary>
    private static float[] Noise(Network network, int[] shape, Random random)
    {
        var item = shape[1] * shape[2] * shape[3];
        var data = new float[shape[0] * item];
        var pixels = new float[item];
        for (var n = 0; n < shape[0]; n++)
        {
            for (var i = 0; i < item; i++) pixels[i] = 0.5f + (float)(random.NextDouble() * 2 - 1) * 10f / 255f;
            network.Info.Normalize(pixels, shape[2] * shape[3]).CopyTo(data, n * item);
        }
        return data;
    }

    /// <summary>Each item's objective value (its filter's mean activation) on the current images.</summary>
    private static float[] Activations(ImageOptimizer optimizer, NetworkLayer layer)
    {
        optimizer.Evaluate(layer);
        return Array.ConvertAll(optimizer.Loss(), l => -l);
    }
}
