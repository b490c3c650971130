using DeepVis.Ops;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

/// <summary>HardSigmoid through the tests every element-wise function shares, for PyTorch's slope and offset, ONNX's defaults and a falling gate.</summary>
public abstract class HardSigmoidTests(DeviceFixture fixture, Implementation implementation) : UnaryFunctionTests<HardSigmoid>(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : HardSigmoidTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : HardSigmoidTests(fixture, Implementation.Ilgpu);

    protected override IReadOnlyList<UnaryCase<HardSigmoid>> Cases { get; } =
    [
        // The torch slope puts the kinks exactly on -3 and 3, where its convention (gradient 0) shows.
        Case(HardSigmoid.TorchAlpha, HardSigmoid.TorchBeta, [-3f, 3f]),
        Case(0.2f, 0.5f, []),
        Case(-0.75f, 0.25f, []),
    ];

    private static UnaryCase<HardSigmoid> Case(float alpha, float beta, float[] kinks) =>
        new($"hardsigmoid ({alpha}, {beta})", new HardSigmoid(alpha, beta),
            x => HardSigmoidReference.Forward(x, alpha, beta), (x, dy) => HardSigmoidReference.Backward(x, dy, alpha, beta), kinks);

    [Fact]
    public void Rejects_settings_that_are_not_finite()
    {
        Assert.Throws<ArgumentException>(() => new HardSigmoid(float.NaN, 0.5f));
        Assert.Throws<ArgumentException>(() => new HardSigmoid(0.2f, float.PositiveInfinity));
    }
}
