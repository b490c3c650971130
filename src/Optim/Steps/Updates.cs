using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Kernels.Update;

namespace DeepVis.Optim.Steps;

/// <summary>Plain gradient descent: x -= rate * g.</summary>
public sealed class GradientDescent(float rate) : IStepHook
{
    public void OnGradient(StepContext c) => Arithmetic.Axpy(-rate, c.Gradient, c.Image);
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
