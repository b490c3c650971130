using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Optim.Objectives;
using DeepVis.Optim.Steps;

namespace DeepVis.Optim.Render;

/// <summary>The images of a render (pixels 0..1, NCHW, the network's channel order) and the objective per image before and after.</summary>
public sealed record RenderResult(float[] Pixels, int[] Shape, float[] Start, float[] End);

/// <summary>Runs the optimization of a render; the CLI's runner adds progress and frames.</summary>
public delegate void RenderRunner(ImageOptimizer optimizer, RenderPipeline pipeline);

/// <summary>
/// Lucid-style feature visualization: a batch of images parameterized by <see cref="RenderSettings"/>
/// maximizes an <see cref="Objective"/> through random transforms, every step on the device
/// (<see cref="RenderPipeline"/> inside <see cref="ImageOptimizer"/>). The objective's value per image
/// is measured on the untransformed images at the start and the end.
/// </summary>
public static class Renderer
{
    public static RenderResult Run(Network network, Objective objective, int batch, RenderSettings settings, Random random,
        float[]? startPixels = null, RenderRunner? run = null) =>
        Run(network, objective, settings, [.. Enumerable.Repeat(random, batch)], startPixels, run);

    /// <summary>
    /// A render whose image n draws its randomness from <paramref name="sources"/>[n] alone: with a
    /// source seeded per image, each image is the one a render of it alone with that source makes.
    /// </summary>
    public static RenderResult Run(Network network, Objective objective, RenderSettings settings, IReadOnlyList<Random> sources,
        float[]? startPixels = null, RenderRunner? run = null)
    {
        var batch = sources.Count;
        if (settings.Problem() is { } problem) throw new SettingsException(problem);
        var device = network.Device;
        int[] shape = [batch, network.Info.InputChannels, settings.Size, settings.Size];
        // First what can fail on the user's input, before any device memory is taken.
        var objectives = ObjectiveBuilder.Build(network, objective, batch, settings.Size, settings.Size);
        IStepHook update = settings.Optimizer == RenderOptimizer.Adam
            ? new AdamStep(device, ParameterShape(shape, settings), settings.LearningRate, LearningRateSchedule.Constant)
            : new NormalizedStep(device, batch, settings.LearningRate);
        var pipeline = new RenderPipeline(device, network.Info, shape, settings.Parameterization, settings.Transforms, settings.Steps, update, sources);
        using var optimizer = new ImageOptimizer(network, shape, objectives, [new RedirectedRelu(network, settings.RedirectedSteps), pipeline]);
        if (startPixels is not null) pipeline.Parameters.StartFrom(startPixels);
        var start = Values(optimizer, pipeline, objectives[0].Layer);
        (run ?? ((o, _) => o.Run(settings.Steps, settings.Steps, sources[0])))(optimizer, pipeline);
        var end = Values(optimizer, pipeline, objectives[0].Layer);
        ImageOptimizer.ThrowIfDiverged(end, $"the objective of image {{0}} became {{1}} after step {settings.Steps}");
        return new RenderResult(pipeline.Image.ToArray(), shape, start, end);
    }

    private static int[] ParameterShape(int[] imageShape, RenderSettings settings) =>
        settings.Parameterization.Fourier ? Kernels.Image.Fft2d.SpectrumShape(imageShape) : imageShape;

    /// <summary>The objective's value per image on the untransformed images.</summary>
    private static float[] Values(ImageOptimizer optimizer, RenderPipeline pipeline, NetworkLayer anyTarget)
    {
        pipeline.Show(optimizer.Image);
        optimizer.Forward(anyTarget);
        return Array.ConvertAll(optimizer.Loss(), l => -l);
    }
}
