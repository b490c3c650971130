using DeepVis.Kernels.Runtime;
using DeepVis.Kernels.Update;

namespace DeepVis.Optim.Steps;

/// <summary>
/// The update by Adam, the rate of each step from <paramref name="schedule"/>. The moments live on the
/// device beside the images (one per pixel, so each image of a batch runs its own Adam) and start from
/// zero at step 0 of every run: a warm-started run (a movie's next frame) keeps the image, not the
/// momentum of a target that has changed.
/// </summary>
public sealed class AdamStep(Device device, int[] shape, LearningRateSchedule schedule, float beta1 = 0.9f, float beta2 = 0.999f) : IStepHook
{
    private readonly Tensor _first = new(device, shape);
    private readonly Tensor _second = new(device, shape);

    public void OnGradient(StepContext c)
    {
        if (c.Step == 0)
        {
            _first.Fill(0f);
            _second.Fill(0f);
        }
        Adam.Apply(c.Image, c.Gradient, _first, _second, schedule.At(c.Step, c.Iterations), c.Step + 1, beta1, beta2);
    }

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
    }
}
