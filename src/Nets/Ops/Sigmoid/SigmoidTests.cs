using DeepVis.Ops;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

/// <summary>The logistic function (the Sigmoid op and the render parameterization) through the tests every element-wise function shares.</summary>
public abstract class SigmoidTests(DeviceFixture fixture, Implementation implementation) : UnaryFunctionTests<Sigmoid>(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : SigmoidTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : SigmoidTests(fixture, Implementation.Ilgpu);

    protected override IReadOnlyList<UnaryCase<Sigmoid>> Cases { get; } =
        [new("sigmoid", new Sigmoid(), SigmoidReference.Forward, SigmoidReference.Backward, [])];
}
