using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Image;

public abstract class Fft2dTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : Fft2dTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : Fft2dTests(fixture, Implementation.Ilgpu);

    /// <summary>
    /// Sides of every kind: 1 and 2, odd and even (the Nyquist column exists only for even widths), radix
    /// 4, 2, 3, 5 and 7 stages (224 = 4 4 2 7), general prime butterflies (17, 31, 299 = 13 23), primes
    /// beyond the largest butterfly (41, 43, 227: Bluestein on the cpu), and non-square planes.
    /// </summary>
    public static TheoryData<int, int> Sizes => new()
    {
        { 1, 1 }, { 1, 2 }, { 2, 1 }, { 2, 2 }, { 3, 5 }, { 8, 6 }, { 12, 9 }, { 17, 31 }, { 41, 43 },
        { 1, 227 }, { 227, 1 }, { 128, 96 }, { 224, 224 }, { 227, 227 }, { 299, 299 }, { 224, 227 },
    };

    /// <summary>Small planes batch several (the cpu threads over planes); large ones one.</summary>
    private static int[] ShapeOf(int height, int width) => height * width > 4096 ? [1, 1, height, width] : [2, 3, height, width];

    /// <summary>Odd and even sides both, random.</summary>
    private int[] RandomShape() => [Between(1, 2), Between(1, 3), Between(1, 9), Between(1, 9)];

    private static int Length(IReadOnlyList<int> shape) => shape.Aggregate(1, (a, b) => a * b);

    private Fft2d Transform(int[] shape) => new(Device, shape);

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Forward_matches_reference(int height, int width)
    {
        var shape = ShapeOf(height, width);
        var spectrumShape = Fft2d.SpectrumShape(shape);
        var x = Uniform(Length(shape));
        var spectrum = Poisoned(spectrumShape);
        using var fft = Transform(shape);
        fft.Forward(Upload(x, shape), spectrum);
        AssertClose(Fft2dReference.Forward(ToDouble(x), shape), spectrum.ToArray(), 2e-5, $"rfft2 on {Tensor.Format(shape)}");
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Inverse_matches_reference(int height, int width)
    {
        var shape = ShapeOf(height, width);
        var spectrumShape = Fft2d.SpectrumShape(shape);
        var spectrum = Uniform(Length(spectrumShape));
        var x = Poisoned(shape);
        using var fft = Transform(shape);
        fft.Inverse(Upload(spectrum, spectrumShape), x);
        AssertClose(Fft2dReference.Inverse(ToDouble(spectrum), shape), x.ToArray(), 2e-5, $"irfft2 on {Tensor.Format(shape)}");
    }

    [Fact]
    public void Inverse_undoes_forward()
    {
        foreach (var shape in new[] { RandomShape(), [1, 3, 224, 224], [2, 1, 227, 34] })
        {
            var spectrumShape = Fft2d.SpectrumShape(shape);
            var x = Uniform(Length(shape));
            var (spectrum, back) = (Poisoned(spectrumShape), Poisoned(shape));
            using var fft = Transform(shape);
            fft.Forward(Upload(x, shape), spectrum);
            fft.Inverse(spectrum, back);
            AssertClose(ToDouble(x), back.ToArray(), 1e-5, $"irfft2(rfft2(x)) on {Tensor.Format(shape)}");
        }
    }

    [Fact]
    public void Constant_image_has_only_a_dc_term()
    {
        int[] shape = [1, 1, 6, 7];
        var spectrumShape = Fft2d.SpectrumShape(shape);
        var spectrum = Poisoned(spectrumShape);
        using var fft = Transform(shape);
        fft.Forward(Upload(Enumerable.Repeat(1f, 42).ToArray(), shape), spectrum);
        var expected = new double[Length(spectrumShape)];
        expected[0] = Math.Sqrt(42);
        AssertClose(expected, spectrum.ToArray(), 1e-5, "rfft2 of ones");
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(7, 10)]
    [InlineData(41, 43)]
    [InlineData(224, 227)]
    public void Forward_adjoint_is_the_adjoint_of_forward(int height, int width)
    {
        var shape = height == 0 ? RandomShape() : ShapeOf(height, width);
        var spectrumShape = Fft2d.SpectrumShape(shape);
        var (x, y) = (Uniform(Length(shape)), Uniform(Length(spectrumShape)));
        var (jx, jty) = (Poisoned(spectrumShape), Poisoned(shape));
        using var fft = Transform(shape);
        fft.Forward(Upload(x, shape), jx);
        fft.ForwardAdjoint(Upload(y, spectrumShape), jty);
        AssertAdjoint(x, jx.ToArray(), y, jty.ToArray(), $"rfft2 on {Tensor.Format(shape)}");
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(7, 10)]
    [InlineData(41, 43)]
    [InlineData(224, 227)]
    public void Inverse_adjoint_is_the_adjoint_of_inverse(int height, int width)
    {
        var shape = height == 0 ? RandomShape() : ShapeOf(height, width);
        var spectrumShape = Fft2d.SpectrumShape(shape);
        var (x, y) = (Uniform(Length(spectrumShape)), Uniform(Length(shape)));
        var (jx, jty) = (Poisoned(shape), Poisoned(spectrumShape));
        using var fft = Transform(shape);
        fft.Inverse(Upload(x, spectrumShape), jx);
        fft.InverseAdjoint(Upload(y, shape), jty);
        AssertAdjoint(x, jx.ToArray(), y, jty.ToArray(), $"irfft2 on {Tensor.Format(shape)}");
    }

    [Fact]
    public void Rejects_a_spectrum_of_the_wrong_width()
    {
        using var fft = Transform([1, 1, 4, 5]);
        var ex = Assert.Throws<ShapeException>(() => fft.Forward(Upload(Uniform(20), 1, 1, 4, 5), Poisoned(1, 1, 4, 4, 2)));
        Assert.Contains("[1, 1, 4, 3, 2]", ex.Message);
        Assert.Contains("[1, 1, 4, 4, 2]", ex.Message);
    }

    [Fact]
    public void Rejects_an_image_of_another_shape()
    {
        using var fft = Transform([1, 1, 4, 5]);
        var ex = Assert.Throws<ShapeException>(() => fft.Inverse(Upload(Uniform(24), 1, 1, 4, 3, 2), Poisoned(1, 1, 4, 6)));
        Assert.Contains("[1, 1, 4, 5]", ex.Message);
        Assert.Contains("[1, 1, 4, 6]", ex.Message);
    }
}
