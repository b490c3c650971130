using DeepVis.Ops;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

/// <summary>Tanh's kernels through the tests every smooth activation shares.</summary>
public abstract class TanhTests(DeviceFixture fixture, Implementation implementation) : SmoothActivationTests(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : TanhTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : TanhTests(fixture, Implementation.Ilgpu);

    protected override string Name => "tanh";
    protected override void Forward(Tensor x, Tensor y) => Tanh.Forward(x, y);
    protected override void Backward(Tensor y, Tensor dy, Tensor dx) => Tanh.Backward(y, dy, dx);
    protected override double[] ReferenceForward(double[] x) => TanhReference.Forward(x);
    protected override double[] ReferenceBackward(double[] x, double[] dy) => TanhReference.Backward(x, dy);
}
