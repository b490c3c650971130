using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Image;

public abstract class SpectralScaleTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : SpectralScaleTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : SpectralScaleTests(fixture, Implementation.Ilgpu);

    [Theory]
    [InlineData(1.0, 0.25)]
    [InlineData(1.5, 1.0)]
    [InlineData(0.0, 2.0)]
    public void Apply_matches_reference(double decay, double gain)
    {
        var width = Between(1, 12);
        var shape = Fft2d.SpectrumShape([Between(1, 2), Between(1, 3), Between(1, 12), width]);
        var x = Uniform(shape.Aggregate(1, (a, b) => a * b));
        var y = Poisoned(shape);
        SpectralScale.Apply(Upload(x, shape), y, width, (float)decay, (float)gain);
        AssertClose(SpectralScaleReference.Apply(ToDouble(x), shape, width, decay, gain), y.ToArray(), 1e-5,
            $"spectral scale of {Tensor.Format(shape)} (width {width})");
    }

    [Fact]
    public void Negated_decay_and_inverse_gain_undo_it()
    {
        var width = Between(2, 12);
        var shape = Fft2d.SpectrumShape([1, 2, Between(2, 12), width]);
        var x = Uniform(shape.Aggregate(1, (a, b) => a * b));
        var t = Upload(x, shape);
        SpectralScale.Apply(t, t, width, 1f, 0.25f);
        SpectralScale.Apply(t, t, width, -1f, 4f);
        AssertClose(ToDouble(x), t.ToArray(), 1e-5, "spectral scale and back, in place");
    }

    [Fact]
    public void Rejects_a_width_that_does_not_match_the_spectrum()
    {
        var ex = Assert.Throws<ShapeException>(() =>
            SpectralScale.Apply(Upload(Uniform(24), 1, 1, 3, 4, 2), Poisoned(1, 1, 3, 4, 2), 9, 1f, 1f));
        Assert.Contains("[N, C, H, 5, 2]", ex.Message);
    }
}
