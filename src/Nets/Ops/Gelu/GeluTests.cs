using DeepVis.Ops;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

/// <summary>GELU in both forms through the tests every element-wise function shares.</summary>
public abstract class GeluTests(DeviceFixture fixture, Implementation implementation) : UnaryFunctionTests<Gelu>(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : GeluTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : GeluTests(fixture, Implementation.Ilgpu);

    protected override IReadOnlyList<UnaryCase<Gelu>> Cases { get; } =
    [
        new("gelu", new Gelu(GeluApproximation.None), x => GeluReference.Forward(x, false), (x, dy) => GeluReference.Backward(x, dy, false), []),
        new("gelu (tanh)", new Gelu(GeluApproximation.Tanh), x => GeluReference.Forward(x, true), (x, dy) => GeluReference.Backward(x, dy, true), []),
    ];
}
