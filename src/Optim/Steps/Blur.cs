using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Optim.Steps;

/// <summary>Blurs the image every <paramref name="every"/> steps with a fixed Gaussian (the inversion seed: 3x3 every 10, 7x7 every 20).</summary>
public sealed class PeriodicBlur(Device device, int[] shape, int size, float sigma, int every) : IStepHook
{
    private readonly Tensor _scratch = new(device, shape);

    public void AfterUpdate(StepContext c)
    {
        if ((c.Step + 1) % every == 0) GaussianBlur.Forward(c.Image, _scratch, c.Image, size, sigma);
    }

    public void Dispose() => _scratch.Dispose();
}

/// <summary>
/// Blurs the image after every update with a sigma annealed linearly from <paramref name="start"/> to
/// <paramref name="end"/> over the run (class visualization's octave schedule); no blur below 0.3.
/// </summary>
public sealed class AnnealedBlur(Device device, int[] shape, float start, float end) : IStepHook
{
    private readonly Tensor _scratch = new(device, shape);

    public void AfterUpdate(StepContext c)
    {
        var t = c.Iterations <= 1 ? 0f : (float)c.Step / (c.Iterations - 1);
        var sigma = start + (end - start) * t;
        if (sigma < 0.3f) return;
        // A kernel of about +- 2 sigma, kept odd and smaller than the image (reflect padding needs it).
        var radius = Math.Min((int)MathF.Ceiling(2 * sigma), Math.Min(shape[2], shape[3]) - 1);
        if (radius < 1) return;
        GaussianBlur.Forward(c.Image, _scratch, c.Image, 2 * radius + 1, sigma);
    }

    public void Dispose() => _scratch.Dispose();
}
