using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Weights;

namespace DeepVis.Optim.Steps;

/// <summary>
/// Bilateral filtering of the image every <paramref name="every"/> steps, in pixel space (0..1, so
/// <paramref name="sigmaRange"/> is in pixel units), window radius ceil(2 sigma_space) kept below the
/// image size: smooths the high-frequency noise gradient ascent breeds while keeping edges.
/// </summary>
public sealed class BilateralHook(Device device, ModelInfo info, int[] shape, float sigmaSpace, float sigmaRange, int every) : IStepHook
{
    private readonly PixelSpace _pixels = new(device, info);
    private readonly Tensor _scratch = new(device, shape);
    private readonly int _radius = Math.Min(BilateralFilter.DefaultRadius(sigmaSpace), Math.Min(shape[2], shape[3]) - 1);

    public void AfterUpdate(StepContext c)
    {
        if ((c.Step + 1) % every != 0 || _radius < 1) return;
        _pixels.ToPixels(c.Image, _scratch);
        BilateralFilter.Forward(_scratch, c.Image, _radius, sigmaSpace, sigmaRange);
        _pixels.FromPixels(c.Image, c.Image);
    }

    public void Dispose()
    {
        _pixels.Dispose();
        _scratch.Dispose();
    }
}

/// <summary>
/// Total-variation denoising (split Bregman, <see cref="TvDenoise"/>) of the image every
/// <paramref name="every"/> steps, in pixel space (0..1): flattens noise into piecewise-smooth regions.
/// </summary>
public sealed class TvDenoiseHook(Device device, ModelInfo info, int[] shape, float weight, int every) : IStepHook
{
    private readonly PixelSpace _pixels = new(device, info);
    private readonly Tensor _noisy = new(device, shape);
    private readonly TvDenoise.Buffers _buffers = new(device, shape);

    public void AfterUpdate(StepContext c)
    {
        if ((c.Step + 1) % every != 0) return;
        _pixels.ToPixels(c.Image, _noisy);
        TvDenoise.Apply(_noisy, c.Image, _buffers, weight);
        _pixels.FromPixels(c.Image, c.Image);
    }

    public void Dispose()
    {
        _pixels.Dispose();
        _noisy.Dispose();
        _buffers.Dispose();
    }
}
