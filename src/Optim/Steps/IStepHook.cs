using DeepVis.Kernels.Runtime;

namespace DeepVis.Optim.Steps;

/// <summary>What a step hook works on: the image being optimized and d loss / d image, both on the device.</summary>
public sealed record StepContext(int Step, int Iterations, Tensor Image, Tensor Gradient, Random Random);

/// <summary>
/// One piece of the per-step pipeline: a transform before the forward pass (jitter), something done
/// to the gradient (penalties, clipping, and the update itself), or to the image after the update
/// (blur, clipping, decay). Hooks run in list order in each phase and only enqueue device work.
/// </summary>
public interface IStepHook : IDisposable
{
    void BeforeForward(StepContext c) { }

    void OnGradient(StepContext c) { }

    void AfterUpdate(StepContext c) { }

    void IDisposable.Dispose() { }
}
