using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Optim.Steps;

/// <summary>
/// DeepDream's jitter: the image is rolled by a random shift of up to <paramref name="maxShift"/>
/// pixels before the forward pass, and the gradient and image are rolled back before any other hook
/// sees them. The shift is drawn on the host: a kernel argument, not a round trip. Put it first.
/// </summary>
public sealed class Jitter(Device device, int[] shape, int maxShift) : IStepHook
{
    private readonly Tensor _scratch = new(device, shape);
    private (int H, int W) _shift;

    public void BeforeForward(StepContext c)
    {
        _shift = (c.Random.Next(-maxShift, maxShift + 1), c.Random.Next(-maxShift, maxShift + 1));
        Roll.Forward(c.Image, _scratch, _shift.H, _shift.W);
        _scratch.CopyTo(c.Image);
    }

    public void OnGradient(StepContext c)
    {
        Roll.Backward(c.Gradient, _scratch, _shift.H, _shift.W);
        _scratch.CopyTo(c.Gradient);
        Roll.Backward(c.Image, _scratch, _shift.H, _shift.W);
        _scratch.CopyTo(c.Image);
    }

    public void Dispose() => _scratch.Dispose();
}
