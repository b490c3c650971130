using DeepVis.Kernels.Unary;
using DeepVis.Ops;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

/// <summary>HardSwish through the tests every element-wise function shares, with torch's gradient at the kinks.</summary>
public abstract class HardSwishTests(DeviceFixture fixture, Implementation implementation) : UnaryFunctionTests<HardSwish>(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : HardSwishTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : HardSwishTests(fixture, Implementation.Ilgpu);

    protected override IReadOnlyList<UnaryCase<HardSwish>> Cases { get; } =
        [new("hardswish", new HardSwish(), HardSwishReference.Forward, HardSwishReference.Backward, [-3f, 3f])];

    [Fact]
    public void Backward_at_the_kinks_is_torchs()
    {
        // torch.nn.functional.hardswish's gradient at -3, 0 and 3 is -0.5, 0.5 and 1.5 (nine copies, so the vector path sees them too).
        float[] x = [.. Enumerable.Repeat(new[] { -3f, 0f, 3f }, 3).SelectMany(v => v)];
        var input = Upload(x, 1, 1, 1, 9);
        var (y, dx) = (Poisoned(1, 1, 1, 9), Poisoned(1, 1, 1, 9));
        UnaryKernels.Forward(new HardSwish(), input, y);
        UnaryKernels.Backward(new HardSwish(), input, y, Upload([.. Enumerable.Repeat(1f, 9)], 1, 1, 1, 9), dx);
        AssertClose([.. Enumerable.Repeat(new[] { -0.5, 0.5, 1.5 }, 3).SelectMany(v => v)], dx.ToArray(), 0, "hardswish backward at the kinks");
    }
}
