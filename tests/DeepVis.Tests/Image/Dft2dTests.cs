using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Image;

public abstract class Dft2dTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : Dft2dTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : Dft2dTests(fixture, Implementation.Ilgpu);

    /// <summary>Odd and even sides both (the Nyquist column exists only for even widths).</summary>
    private int[] RandomShape() => [Between(1, 2), Between(1, 3), Between(1, 9), Between(1, 9)];

    private static int Length(IReadOnlyList<int> shape) => shape.Aggregate(1, (a, b) => a * b);

    [Fact]
    public void Forward_matches_reference()
    {
        var shape = RandomShape();
        var spectrumShape = Dft2d.SpectrumShape(shape);
        var x = Uniform(Length(shape));
        var spectrum = Poisoned(spectrumShape);
        Dft2d.Forward(Upload(x, shape), spectrum, Poisoned(spectrumShape));
        AssertClose(Dft2dReference.Forward(ToDouble(x), shape), spectrum.ToArray(), 1e-5, $"rfft2 on {Tensor.Format(shape)}");
    }

    [Fact]
    public void Inverse_matches_reference()
    {
        var shape = RandomShape();
        var spectrumShape = Dft2d.SpectrumShape(shape);
        var spectrum = Uniform(Length(spectrumShape));
        var x = Poisoned(shape);
        Dft2d.Inverse(Upload(spectrum, spectrumShape), x, Poisoned(spectrumShape));
        AssertClose(Dft2dReference.Inverse(ToDouble(spectrum), shape), x.ToArray(), 1e-5, $"irfft2 on {Tensor.Format(shape)}");
    }

    [Fact]
    public void Inverse_undoes_forward()
    {
        var shape = RandomShape();
        var spectrumShape = Dft2d.SpectrumShape(shape);
        var x = Uniform(Length(shape));
        var (spectrum, back) = (Poisoned(spectrumShape), Poisoned(shape));
        Dft2d.Forward(Upload(x, shape), spectrum, Poisoned(spectrumShape));
        Dft2d.Inverse(spectrum, back, Poisoned(spectrumShape));
        AssertClose(ToDouble(x), back.ToArray(), 1e-5, $"irfft2(rfft2(x)) on {Tensor.Format(shape)}");
    }

    [Fact]
    public void Constant_image_has_only_a_dc_term()
    {
        int[] shape = [1, 1, 6, 7];
        var spectrumShape = Dft2d.SpectrumShape(shape);
        var spectrum = Poisoned(spectrumShape);
        Dft2d.Forward(Upload(Enumerable.Repeat(1f, 42).ToArray(), shape), spectrum, Poisoned(spectrumShape));
        var expected = new double[Length(spectrumShape)];
        expected[0] = Math.Sqrt(42);
        AssertClose(expected, spectrum.ToArray(), 1e-5, "rfft2 of ones");
    }

    [Fact]
    public void Forward_adjoint_is_the_adjoint_of_forward()
    {
        var shape = RandomShape();
        var spectrumShape = Dft2d.SpectrumShape(shape);
        var (x, y) = (Uniform(Length(shape)), Uniform(Length(spectrumShape)));
        var (jx, jty) = (Poisoned(spectrumShape), Poisoned(shape));
        Dft2d.Forward(Upload(x, shape), jx, Poisoned(spectrumShape));
        Dft2d.ForwardAdjoint(Upload(y, spectrumShape), jty, Poisoned(spectrumShape));
        AssertAdjoint(x, jx.ToArray(), y, jty.ToArray(), $"rfft2 on {Tensor.Format(shape)}");
    }

    [Fact]
    public void Inverse_adjoint_is_the_adjoint_of_inverse()
    {
        var shape = RandomShape();
        var spectrumShape = Dft2d.SpectrumShape(shape);
        var (x, y) = (Uniform(Length(spectrumShape)), Uniform(Length(shape)));
        var (jx, jty) = (Poisoned(shape), Poisoned(spectrumShape));
        Dft2d.Inverse(Upload(x, spectrumShape), jx, Poisoned(spectrumShape));
        Dft2d.InverseAdjoint(Upload(y, shape), jty, Poisoned(spectrumShape));
        AssertAdjoint(x, jx.ToArray(), y, jty.ToArray(), $"irfft2 on {Tensor.Format(shape)}");
    }

    [Fact]
    public void Rejects_a_spectrum_of_the_wrong_width()
    {
        var ex = Assert.Throws<ShapeException>(() =>
            Dft2d.Forward(Upload(Uniform(20), 1, 1, 4, 5), Poisoned(1, 1, 4, 4, 2), Poisoned(1, 1, 4, 4, 2)));
        Assert.Contains("[1, 1, 4, 3, 2]", ex.Message);
        Assert.Contains("[1, 1, 4, 4, 2]", ex.Message);
    }
}
