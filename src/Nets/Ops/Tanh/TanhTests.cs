using DeepVis.Ops;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

/// <summary>Tanh through the tests every element-wise function shares.</summary>
public abstract class TanhTests(DeviceFixture fixture, Implementation implementation) : UnaryFunctionTests<Tanh>(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : TanhTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : TanhTests(fixture, Implementation.Ilgpu);

    protected override IReadOnlyList<UnaryCase<Tanh>> Cases { get; } =
        [new("tanh", new Tanh(), TanhReference.Forward, TanhReference.Backward, [])];
}
