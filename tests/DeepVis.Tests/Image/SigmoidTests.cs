using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Image;

/// <summary>The logistic kernels, which serve both the render parameterization and the Sigmoid graph op.</summary>
public abstract class SigmoidTests(DeviceFixture fixture, Implementation implementation) : SmoothActivationTests(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : SigmoidTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : SigmoidTests(fixture, Implementation.Ilgpu);

    protected override string Name => "sigmoid";
    protected override void Forward(Tensor x, Tensor y) => Sigmoid.Forward(x, y);
    protected override void Backward(Tensor y, Tensor dy, Tensor dx) => Sigmoid.Backward(y, dy, dx);
    protected override double[] ReferenceForward(double[] x) => SigmoidReference.Forward(x);
    protected override double[] ReferenceBackward(double[] x, double[] dy) => SigmoidReference.Backward(x, dy);
}
