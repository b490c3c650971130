using DeepVis.Ops;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

/// <summary>SiLU through the tests every element-wise function shares.</summary>
public abstract class SiLUTests(DeviceFixture fixture, Implementation implementation) : UnaryFunctionTests<SiLU>(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : SiLUTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : SiLUTests(fixture, Implementation.Ilgpu);

    protected override IReadOnlyList<UnaryCase<SiLU>> Cases { get; } =
        [new("silu", new SiLU(), SiLUReference.Forward, SiLUReference.Backward, [])];
}
