using DeepVis.Ops;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

/// <summary>Erf through the tests every element-wise function shares.</summary>
public abstract class ErfTests(DeviceFixture fixture, Implementation implementation) : UnaryFunctionTests<Erf>(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : ErfTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : ErfTests(fixture, Implementation.Ilgpu);

    protected override IReadOnlyList<UnaryCase<Erf>> Cases { get; } =
        [new("erf", new Erf(), ErfReference.Forward, ErfReference.Backward, [])];
}
