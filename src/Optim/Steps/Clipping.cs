using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Optim.Steps;

/// <summary>Clips each image's gradient to its mean +- k std before the update (the inversion seed's gradient clip).</summary>
public sealed class GradientStdClip(Device device, int batch, float k) : IStepHook
{
    private readonly Tensor _stats = new(device, batch, ImageStats.Count);

    public void OnGradient(StepContext c)
    {
        ImageStats.Compute(c.Gradient, _stats);
        StdClip.Apply(c.Gradient, _stats, k, c.Gradient);
    }

    public void Dispose() => _stats.Dispose();
}

/// <summary>Clips each image to its mean +- k std after the update (the inversion seed's pixel clip).</summary>
public sealed class ImageStdClip(Device device, int batch, float k) : IStepHook
{
    private readonly Tensor _stats = new(device, batch, ImageStats.Count);

    public void AfterUpdate(StepContext c) => StdClip.ApplyInPlace(c.Image, _stats, k);

    public void Dispose() => _stats.Dispose();
}

/// <summary>Keeps the image a displayable picture: each pixel within [0, range] once denormalized.</summary>
public sealed class PixelRangeClamp(ChannelStats normalization, float range) : IStepHook
{
    public void AfterUpdate(StepContext c) => Normalize.ClampToPixelRange(c.Image, normalization, range);
}

/// <summary>x *= 1 - factor after each update (L2 decay).</summary>
public sealed class L2Decay(float factor) : IStepHook
{
    public void AfterUpdate(StepContext c) => L2Penalty.Decay(c.Image, factor);
}
