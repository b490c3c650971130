using DeepVis.Optim.Objectives;
using DeepVis.Optim.Render;

namespace DeepVis;

/// <summary>
/// Lucid-style feature visualization with the defaults of Lucent's <c>render_vis</c>: a 128-pixel
/// spectral image, colours decorrelated on colour models, sigmoid to pixels, Lucid's standard random
/// transforms, Adam at 0.05 for 512 steps (<see cref="RenderSettings.Lucid"/>), run by <see cref="Renderer"/>.
/// The same seed gives the same image as <c>deepvis render --seed</c> on the same device.
/// </summary>
public static class Render
{
    /// <summary>Lucent's image side when none is given.</summary>
    public const int DefaultSize = 128;

    /// <summary>
    /// The image that maximizes the mean of one channel, named <c>LAYER:CHANNEL</c> (e.g. <c>layer3:12</c>;
    /// the layer by address, alias or index).
    /// </summary>
    public static PlanarImage Channel(Model model, string channel, int size = DefaultSize, int steps = RenderSettings.DefaultSteps, int seed = 0)
    {
        var objective = ObjectiveParser.Parse(channel);
        if (objective.Terms is not [{ Weight: 1, Term: ObjectiveTerm.Channel, Batch: null }])
            throw new ObjectiveException($"'{channel}' is not one channel: expected LAYER:CHANNEL, e.g. layer3:12 (Render.Objective takes expressions)");
        return Images(model, objective, RenderSettings.Lucid(size, model.Info.InputChannels, steps), 1, seed)[0];
    }

    /// <summary>
    /// The image that maximizes an objective expression, e.g. <c>"layer3:12 + 0.5*neuron(layer4:7)"</c>
    /// (the syntax of <c>deepvis render --objective</c>; an expression with <c>@IMAGE</c> terms needs <see cref="Images"/>).
    /// </summary>
    public static PlanarImage Objective(Model model, string objective, int size = DefaultSize, int steps = RenderSettings.DefaultSteps, int seed = 0)
    {
        var parsed = ObjectiveParser.Parse(objective);
        if (parsed.Terms.Any(t => t.Batch is not null))
            throw new ObjectiveException($"'{objective}' names batch images (@N): render it with Render.Images and a batch");
        return Images(model, parsed, RenderSettings.Lucid(size, model.Info.InputChannels, steps), 1, seed)[0];
    }

    /// <summary>
    /// A batch of <paramref name="batch"/> images rendered together with any settings (parameterization,
    /// transforms, optimizer); the images' randomness comes from one source seeded with <paramref name="seed"/>.
    /// </summary>
    public static IReadOnlyList<PlanarImage> Images(Model model, Objective objective, RenderSettings settings, int batch, int seed = 0)
    {
        var result = Renderer.Run(model.Network, objective, batch, settings, new Random(seed));
        return [.. Enumerable.Range(0, batch).Select(n => PlanarImage.FromRender(result, n, model.Info))];
    }
}
