using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Optim.Objectives;
using DeepVis.Optim.Steps;

namespace DeepVis.Optim;

/// <summary>Inverted images (normalized input space, [N, C, H, W] flat) and each one's relative feature loss.</summary>
public sealed record InversionResult(float[] Images, float[] Loss);

/// <summary>
/// Feature inversion (Mahendran &amp; Vedaldi) of a batch of images at one layer: one optimizer for the
/// whole batch, the loop on the device. <see cref="Invert"/> starts afresh; <see cref="Continue"/>
/// warm-starts from the current images (a movie's next frame from the previous frame's result).
/// </summary>
public sealed class Inversion : IDisposable
{
    private readonly Network _network;
    private readonly NetworkLayer _layer;
    private readonly InversionSettings _settings;
    private readonly FeatureMatchObjective _objective;
    private readonly ImageOptimizer _optimizer;
    private readonly Tensor _held;
    private readonly ChannelStats _normalization;

    /// <param name="shape">The batch shape [N, C, H, W]; the originals passed later must have it.</param>
    public Inversion(Network network, NetworkLayer layer, int[] shape, InversionSettings settings)
    {
        if (settings.Problem(shape[2], shape[3]) is { } problem) throw new SettingsException(problem);
        var device = network.Device;
        _network = network;
        _layer = layer;
        _settings = settings;
        _objective = new FeatureMatchObjective(layer, device, network.OutputShapes(shape[0], shape[2], shape[3], [layer])[layer.Index]);
        _normalization = new ChannelStats(device, network.Info.Mean, network.Info.Std);
        _optimizer = new ImageOptimizer(network, shape, [_objective], Hooks(device, shape, settings, _normalization, network.Info.InputRange));
        _held = new Tensor(device, shape);
    }

    /// <summary>The images being optimized, on the device.</summary>
    public Tensor Image => _optimizer.Image;

    /// <summary>Inverts a batch in one call: the entry point for code that needs no command line.</summary>
    public static InversionResult Run(Network network, float[] originals, int[] shape, NetworkLayer layer,
        InversionSettings settings, Random random, Action<Progress>? progress = null)
    {
        using var inversion = new Inversion(network, layer, shape, settings);
        return inversion.Invert(originals, random, progress);
    }

    /// <summary>
    /// Matches the features of <paramref name="originals"/> from a fresh start (noise or mean, or the
    /// coarser levels' result), for the full iteration count; with several restarts from fresh noise, each
    /// image keeps its run of lowest feature loss.
    /// </summary>
    public InversionResult Invert(float[] originals, Random random, Action<Progress>? progress = null, Action<int>? afterStep = null)
    {
        Retarget(originals);
        (Inversion Inversion, float[] Originals)? coarse = _settings.CoarseToFine > 1 && CoarserSize() is { } size ? CoarseLevel(originals, size) : null;
        InversionResult? best = null;
        try
        {
            for (var restart = 0; restart < _settings.Restarts; restart++)
            {
                if (coarse is { } level)
                {
                    level.Inversion.Invert(level.Originals, random, progress);
                    Resize.Forward(level.Inversion.Image, Image);
                }
                else if (_settings.Start == InversionStart.Mean) Image.Fill(0f);
                else Image.CopyFrom(Noise(Image.Length, _settings.NoiseStd, random));
                var run = Descend(_settings.Iterations, random, progress, afterStep);
                best = best is null ? run : Better(best, run);
            }
        }
        finally
        {
            coarse?.Inversion.Dispose();
        }
        // A movie's next frame starts from the images returned.
        Image.CopyFrom(best!.Images);
        return best;
    }

    /// <summary>Per image, the one of the two results with the lower feature loss.</summary>
    private static InversionResult Better(InversionResult a, InversionResult b)
    {
        var (images, loss) = ((float[])a.Images.Clone(), (float[])a.Loss.Clone());
        var length = images.Length / loss.Length;
        for (var n = 0; n < loss.Length; n++)
        {
            if (!(b.Loss[n] < loss[n])) continue;
            loss[n] = b.Loss[n];
            Array.Copy(b.Images, n * length, images, n * length, length);
        }
        return new InversionResult(images, loss);
    }

    /// <summary>
    /// The largest size at about half this one (aspect kept) that the network takes up to the layer, or
    /// null when none from half down to a quarter fits (a network that needs one exact size).
    /// </summary>
    private (int H, int W)? CoarserSize()
    {
        var (h, w) = (Image.Shape[2], Image.Shape[3]);
        for (var side = h / 2; side >= Math.Max(1, h / 4); side--)
        {
            var width = Math.Max(1, (int)Math.Round((double)side * w / h));
            if (_network.Fits(side, width, [_layer])) return (side, width);
        }
        return null;
    }

    /// <summary>
    /// The next coarser level: an inversion at <paramref name="size"/> (itself coarse-to-fine, one level
    /// fewer, one run: the restarts happen here) and the originals resized to it on the device.
    /// </summary>
    private (Inversion Inversion, float[] Originals) CoarseLevel(float[] originals, (int H, int W) size)
    {
        var device = _network.Device;
        int[] shape = [Image.Shape[0], Image.Shape[1], size.H, size.W];
        using var full = Tensor.FromArray(device, originals, [.. Image.Shape]);
        using var small = new Tensor(device, shape);
        Resize.Forward(full, small);
        return (new Inversion(_network, _layer, shape, _settings with { CoarseToFine = _settings.CoarseToFine - 1, Restarts = 1 }), small.ToArray());
    }

    /// <summary>Matches the features of <paramref name="originals"/> starting from the current images, for the warm iteration count.</summary>
    public InversionResult Continue(float[] originals, Random random, Action<Progress>? progress = null, Action<int>? afterStep = null)
    {
        Retarget(originals);
        return Descend(_settings.WarmIterationsOrDefault, random, progress, afterStep);
    }

    /// <summary>The update (with its gradient priors and clip) first, then what is done to the image: blurs, the std clip, the pixel clamp.</summary>
    private static List<IStepHook> Hooks(Device device, int[] shape, InversionSettings s, ChannelStats normalization, float range)
    {
        var hooks = new List<IStepHook>();
        if (s.TvWeight > 0f) hooks.Add(new TotalVariationHook(s.TvWeight, s.TvBeta));
        if (s.AlphaNormWeight > 0f) hooks.Add(new AlphaNormHook(s.AlphaNormWeight, s.Alpha));
        if (s.GradientStdClip > 0f) hooks.Add(new GradientStdClip(device, shape[0], s.GradientStdClip));
        hooks.Add(s.Optimizer switch
        {
            InversionOptimizer.Adam => new AdamStep(device, shape, s.LearningRate, s.Schedule),
            InversionOptimizer.Momentum => new MomentumDescent(device, shape, s.LearningRate, s.Momentum, s.Schedule),
            _ => new CalibratedGradientDescent(device, shape[0], s.LearningRate),
        });
        hooks.AddRange(s.Blur.Select(b => new PeriodicBlur(device, shape, b.Size, b.Sigma, b.Every)));
        if (s.ImageStdClip > 0f) hooks.Add(new ImageStdClip(device, shape[0], s.ImageStdClip));
        if (s.ClampPixels) hooks.Add(new PixelRangeClamp(normalization, range));
        return hooks;
    }

    /// <summary>The originals' features become the target; the images being optimized are held aside meanwhile.</summary>
    private void Retarget(float[] originals)
    {
        Image.CopyTo(_held);
        Image.CopyFrom(originals);
        _objective.Retarget(_optimizer.Forward(_layer));
        _held.CopyTo(Image);
    }

    private InversionResult Descend(int iterations, Random random, Action<Progress>? progress, Action<int>? afterStep)
    {
        _optimizer.Run(iterations, _settings.ReportEvery, random, progress, afterStep);
        // The loss of the images returned, after the last update, blur and clip.
        _optimizer.Forward(_layer);
        return new InversionResult(Image.ToArray(), _optimizer.Loss());
    }

    /// <summary>Gaussian noise (Box-Muller) from the seeded source, drawn on the host once per run.</summary>
    private static float[] Noise(int length, float std, Random random)
    {
        var noise = new float[length];
        for (var i = 0; i < length; i++)
            noise[i] = std * (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        return noise;
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        _held.Dispose();
        _normalization.Dispose();
    }
}
