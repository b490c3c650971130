using DeepVis.Ops;
using DeepVis.Nets;
using DeepVis.Nets.Layers;

namespace DeepVis.Optim.Steps;

/// <summary>
/// Lucid's redirected ReLU gradient (<see cref="ReluGradient.Redirected"/>) on every ReLU of the
/// network for the first <paramref name="steps"/> steps, then each ReLU's own setting again (also
/// when the hook is disposed). Switched through the layers' <c>Gradient</c> property, so the
/// network code does not know about it. ReLU6 (<c>ClipLayer</c>) keeps its gradient.
/// </summary>
public sealed class RedirectedRelu(Network network, int steps = RedirectedRelu.DefaultSteps) : IStepHook
{
    /// <summary>Lucid redirects for the first 16 steps.</summary>
    public const int DefaultSteps = 16;

    private readonly (ReluLayer Layer, ReluGradient Own)[] _relus =
        [.. network.Layers.Select(l => l.Layer).OfType<ReluLayer>().Select(r => (r, r.Gradient))];

    public void BeforeForward(StepContext c)
    {
        foreach (var (layer, own) in _relus) layer.Gradient = c.Step < steps ? ReluGradient.Redirected : own;
    }

    public void Dispose()
    {
        foreach (var (layer, own) in _relus) layer.Gradient = own;
    }
}
