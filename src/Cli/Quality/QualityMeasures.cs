using DeepVis.Images;
using DeepVis.Nets.Layers;
using DeepVis.Ops;
using DeepVis.Nets;
using DeepVis.Optim;
using DeepVis.Optim.Quality;
using DeepVis.Optim.Render;

namespace DeepVis.Cli.Quality;

/// <summary>The model's view of one class visualization: its probability for the target class and the class it predicts.</summary>
public sealed record ClassQuality(int Class, float Probability, int Predicted);

/// <summary>
/// How close the inversions at one layer came to their originals: PSNR (dB) and SSIM per image, and the
/// relative feature loss ||F(x) - F(x0)||^2 / ||F(x0)||^2 (twice the objective, which carries a factor 0.5).
/// </summary>
public sealed record InversionQuality(string Layer, double[] Psnr, double[] Ssim, float[] FeatureLoss);

/// <summary>How many of a layer's filters rose at least <see cref="QualityMeasures.RiseFactor"/>-fold over their noise start.</summary>
public sealed record FilterQuality(string Layer, int Filters, int Rose)
{
    public double Fraction => (double)Rose / Filters;
}

/// <summary>
/// The measurements of <c>deepvis quality</c>, each over the algorithm the verb runs with its
/// defaults: class images as the model and a judge see them, inversion and filter maximization at
/// the output of every convolution (its ReLU where one follows).
/// </summary>
public static class QualityMeasures
{
    public const double RiseFactor = 10;

    /// <summary>The ReLU after each convolution (the convolution itself where none follows): the layers a user inverts or visualizes.</summary>
    public static IReadOnlyList<NetworkLayer> ConvOutputs(Network network) =>
    [
        .. network.Layers.Where(l => l.Layer is Conv2dLayer).Select(conv =>
            network.Layers.FirstOrDefault(l => l.Inputs.SequenceEqual([conv.Index]) && l.Layer is ReluLayer or ClipLayer) ?? conv),
    ];

    /// <summary>Each image's probability for its class and the predicted class, as the network that judged them sees it.</summary>
    public static IReadOnlyList<ClassQuality> Qualities(ClassImages images) =>
        [.. images.Classes.Select((c, n) => new ClassQuality(c, images.Probability(n), images.Predicted(n)))];

    /// <summary>
    /// A second network's view of a model's class images (the transfer test: an image that carries its class is
    /// recognized by a network that shares none of the model's quirks): the images as pixels
    /// clamped to 0..1, as they are saved, classified by <paramref name="judge"/>.
    /// </summary>
    public static IReadOnlyList<ClassQuality> Judged(Network model, Network judge, ClassImages images)
    {
        var (c, h, w) = (images.Shape[1], images.Shape[2], images.Shape[3]);
        var pixels = PixelInput.Pixels(images.Images, c, h * w, model.Info);
        return Qualities(ClassVisualization.Classify(judge, pixels, images.Shape, images.Classes));
    }

    /// <summary>Inverts the batch at the layer and compares each result with its original in pixels (0..1 after denormalizing and clamping).</summary>
    public static InversionQuality Inversion(Network network, float[] originals, int[] shape, NetworkLayer layer, InversionSettings settings, Random random,
        Action<Progress>? progress = null)
    {
        var result = Optim.Inversion.Run(network, originals, shape, layer, settings, random, progress);
        var (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3]);
        var psnr = new double[n];
        var ssim = new double[n];
        for (var i = 0; i < n; i++)
        {
            var original = ImageSaver.ToPixels(originals, i, c, h, w, network.Info).Data;
            var inverted = ImageSaver.ToPixels(result.Images, i, c, h, w, network.Info).Data;
            psnr[i] = Psnr.Compute(original, inverted);
            ssim[i] = Ssim.Compute(original, inverted, c, h, w);
        }
        return new InversionQuality(layer.Name, psnr, ssim, Array.ConvertAll(result.Loss, l => 2 * l));
    }

    /// <summary>
    /// A movie inverted frame by frame at the layer (the first frame from the start, each next one warm-started
    /// from the previous result): the coherence of the reconstruction and of the originals, in pixels 0..1.
    /// </summary>
    public static (string Layer, double Reconstructed, double Original) Coherence(Network network, IReadOnlyList<float[]> frames, int[] shape,
        NetworkLayer layer, InversionSettings settings, Random random)
    {
        var (c, h, w) = (shape[1], shape[2], shape[3]);
        using var inversion = new Optim.Inversion(network, layer, shape, settings);
        var reconstructed = frames.Select((frame, f) => ImageSaver.ToPixels(
            (f == 0 ? inversion.Invert(frame, random) : inversion.Continue(frame, random)).Images, 0, c, h, w, network.Info).Data).ToList();
        var originals = frames.Select(frame => ImageSaver.ToPixels(frame, 0, c, h, w, network.Info).Data).ToList();
        return (layer.Name, TemporalCoherence.MeanAbsoluteChange(reconstructed), TemporalCoherence.MeanAbsoluteChange(originals));
    }

    /// <summary>A movie from one image: frame f is the image moved f pixels right, the left edge column repeated into the gap.</summary>
    public static IReadOnlyList<float[]> ShiftedMovie(float[] image, int channels, int height, int width, int frames) =>
    [
        .. Enumerable.Range(0, frames).Select(f =>
        {
            var frame = new float[image.Length];
            for (var p = 0; p < channels * height; p++)
                for (var x = 0; x < width; x++) frame[p * width + x] = image[p * width + Math.Max(x - f, 0)];
            return frame;
        }),
    ];

    /// <summary>Maximizes every filter of the layer and counts those whose mean activation rose at least tenfold (from a start of at most 0: became positive).</summary>
    public static FilterQuality Filters(Network network, NetworkLayer layer, FilterSettings settings, int batch, Random random, BatchRunner? run = null)
    {
        var count = FilterMaximization.Count(network, layer, settings.Size);
        var activations = FilterMaximization.Run(network, layer, [.. Enumerable.Range(0, count)], batch, settings, random, run);
        return new FilterQuality(layer.Name, count, activations.Count(Rose));
    }

    /// <summary>A tenfold rise; a filter silent on the noise start (mean 0 after its ReLU) rose if it is active at the end.</summary>
    public static bool Rose(FilterActivation a) => a.Start > 0 ? a.End >= RiseFactor * a.Start : a.End > 0;
}
