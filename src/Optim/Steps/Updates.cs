using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Kernels.Update;

namespace DeepVis.Optim.Steps;

/// <summary>Plain gradient descent: x -= rate * g.</summary>
public sealed class GradientDescent(float rate) : IStepHook
{
    public void OnGradient(StepContext c) => Arithmetic.Axpy(-rate, c.Gradient, c.Image);
}

/// <summary>
/// Gradient descent with a constant rate per image, fixed at the first step so that step moves each
/// image by <paramref name="step"/> per pixel on average: x -= step * g / mean|g_first|. The same
/// step size then suits any layer and network, whatever the scale of their gradients. The rate is
/// kept across runs (warm-started movie frames descend at the first frame's rate).
/// </summary>
public sealed class CalibratedGradientDescent(Device device, int batch, float step) : IStepHook
{
    private readonly Tensor _first = new(device, batch, ImageStats.Count);
    private bool _calibrated;

    public void OnGradient(StepContext c)
    {
        if (!_calibrated) ImageStats.Compute(c.Gradient, _first);
        _calibrated = true;
        ScaledStep.Apply(c.Image, c.Gradient, _first, step, ImageStats.SumAbs, mean: true);
    }

    public void Dispose() => _first.Dispose();
}

/// <summary>DeepDream's normalized step: x -= step * g / mean|g|, per image, the mean taken on the device.</summary>
public sealed class NormalizedStep(Device device, int batch, float step) : IStepHook
{
    private readonly Tensor _stats = new(device, batch, ImageStats.Count);

    public void OnGradient(StepContext c)
    {
        ImageStats.Compute(c.Gradient, _stats);
        ScaledStep.Apply(c.Image, c.Gradient, _stats, step, ImageStats.SumAbs, mean: true);
    }

    public void Dispose() => _stats.Dispose();
}

/// <summary>
/// Gradient descent with momentum (Mahendran &amp; Vedaldi: m = 0.9): v = m v + g, x -= rate_n * v, the
/// rate of each image calibrated at the first step as in <see cref="CalibratedGradientDescent"/> (so
/// the first step moves each pixel by <paramref name="step"/> on average) and shaped over the run by
/// <paramref name="schedule"/>. The velocity starts from zero at step 0 of every run.
/// </summary>
public sealed class MomentumDescent(Device device, int[] shape, float step, float momentum, LearningRateSchedule schedule) : IStepHook
{
    private readonly Tensor _first = new(device, shape[0], ImageStats.Count);
    private readonly Tensor _velocity = new(device, shape);
    private bool _calibrated;

    public void OnGradient(StepContext c)
    {
        if (!_calibrated) ImageStats.Compute(c.Gradient, _first);
        _calibrated = true;
        if (c.Step == 0) _velocity.Fill(0f);
        Arithmetic.ScaleAdd(momentum, c.Gradient, _velocity);
        ScaledStep.Apply(c.Image, _velocity, _first, step * schedule.Multiplier(c.Step, c.Iterations), ImageStats.SumAbs, mean: true);
    }

    public void Dispose()
    {
        _first.Dispose();
        _velocity.Dispose();
    }
}
