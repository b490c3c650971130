using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Image;

public abstract class GaussianBlurTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : GaussianBlurTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : GaussianBlurTests(fixture, Implementation.Ilgpu);

    /// <summary>Batch &gt; 1, odd H and W that fit the radius; small sizes keep every border in play.</summary>
    private int[] RandomShape(int size)
    {
        var radius = size / 2;
        int OddAbove(int minimum) => 2 * Between(minimum / 2, minimum / 2 + 3) + 1;
        return [Between(2, 3), Between(1, 3), OddAbove(radius + 1), OddAbove(radius + 1)];
    }

    private static int Length(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    [Theory]
    [InlineData(3, 0.8f)]
    [InlineData(3, 2.0f)]
    [InlineData(5, 0.6f)]
    [InlineData(5, 1.1f)]
    [InlineData(7, 1.5f)]
    [InlineData(7, 3.0f)]
    public void Forward_matches_reference(int size, float sigma)
    {
        var shape = RandomShape(size);
        var x = Uniform(Length(shape));
        var y = Poisoned(shape);
        GaussianBlur.Forward(Upload(x, shape), Poisoned(shape), y, size, sigma);
        AssertClose(GaussianBlurReference.Forward(ToDouble(x), shape, size, sigma), y.ToArray(), 1e-5,
            $"blur {size} sigma {sigma} forward on {Tensor.Format(shape)}");
    }

    [Theory]
    [InlineData(3, 2, 2)]
    [InlineData(5, 3, 4)]
    [InlineData(7, 4, 5)]
    [InlineData(7, 9, 4)]
    public void Forward_matches_reference_when_the_radius_nearly_fills_the_image(int size, int height, int width)
    {
        int[] shape = [2, 2, height, width];
        var x = Uniform(Length(shape));
        var y = Poisoned(shape);
        GaussianBlur.Forward(Upload(x, shape), Poisoned(shape), y, size, 1.3f);
        AssertClose(GaussianBlurReference.Forward(ToDouble(x), shape, size, 1.3), y.ToArray(), 1e-5,
            $"blur {size} forward on {Tensor.Format(shape)}");
    }

    /// <summary>Rows long enough for the CPU's vector loops, more rows than one work item, blocks that span planes.</summary>
    private static readonly int[] LargeShape = [2, 2, 29, 43];

    [Theory]
    [InlineData(1, 0.5f)]
    [InlineData(3, 0.8f)]
    [InlineData(5, 1.1f)]
    [InlineData(9, 2.0f)]
    public void Forward_and_backward_match_reference_on_larger_images(int size, float sigma)
    {
        var (x, dy) = (Uniform(Length(LargeShape)), Uniform(Length(LargeShape)));
        var (y, dx) = (Poisoned(LargeShape), Poisoned(LargeShape));
        GaussianBlur.Forward(Upload(x, LargeShape), Poisoned(LargeShape), y, size, sigma);
        GaussianBlur.Backward(Upload(dy, LargeShape), Poisoned(LargeShape), dx, size, sigma);
        var what = $"blur {size} sigma {sigma} on {Tensor.Format(LargeShape)}";
        AssertClose(GaussianBlurReference.Forward(ToDouble(x), LargeShape, size, sigma), y.ToArray(), 1e-5, $"{what} forward");
        AssertClose(GaussianBlurReference.Backward(ToDouble(dy), LargeShape, size, sigma), dx.ToArray(), 1e-5, $"{what} backward");
    }

    [Fact]
    public void Backward_in_place_matches_reference()
    {
        var dy = Uniform(Length(LargeShape));
        var t = Upload(dy, LargeShape);
        GaussianBlur.Backward(t, Poisoned(LargeShape), t, 7, 1.5f);
        AssertClose(GaussianBlurReference.Backward(ToDouble(dy), LargeShape, 7, 1.5f), t.ToArray(), 1e-5, "blur backward in place");
    }

    [Fact]
    public void Forward_in_place_matches_reference()
    {
        var shape = RandomShape(5);
        var x = Uniform(Length(shape));
        var t = Upload(x, shape);
        GaussianBlur.Forward(t, Poisoned(shape), t, 5, 1.0f);
        AssertClose(GaussianBlurReference.Forward(ToDouble(x), shape, 5, 1.0), t.ToArray(), 1e-5, "blur forward in place");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(7)]
    public void Constant_image_stays_constant(int size)
    {
        var shape = RandomShape(size);
        var value = (float)(Rng.NextDouble() * 4 - 2);
        var x = Enumerable.Repeat(value, Length(shape)).ToArray();
        var y = Poisoned(shape);
        GaussianBlur.Forward(Upload(x, shape), Poisoned(shape), y, size, GaussianBlur.DefaultSigma(size));
        AssertClose(ToDouble(x), y.ToArray(), 1e-6, $"blur {size} of the constant {value}");
    }

    [Fact]
    public void Blur_smooths_an_impulse_into_its_normalized_weights()
    {
        // A single 1 in the middle of a 9x9 image spreads into the outer product of the 1-D weights.
        int[] shape = [1, 1, 9, 9];
        var x = new float[81];
        x[40] = 1;
        var y = Poisoned(shape);
        GaussianBlur.Forward(Upload(x, shape), Poisoned(shape), y, 5, 1.2f);
        var w = GaussianBlurReference.Weights(5, 1.2);
        var expected = new double[81];
        for (var a = -2; a <= 2; a++)
            for (var b = -2; b <= 2; b++) expected[(4 + a) * 9 + 4 + b] = w[a + 2] * w[b + 2];
        AssertClose(expected, y.ToArray(), 1e-6, "blur of an impulse");
    }

    [Theory]
    [InlineData(3, 0.8f)]
    [InlineData(5, 1.7f)]
    [InlineData(7, 1.0f)]
    [InlineData(7, 2.5f)]
    public void Backward_matches_reference(int size, float sigma)
    {
        var shape = RandomShape(size);
        var dy = Uniform(Length(shape));
        var dx = Poisoned(shape);
        GaussianBlur.Backward(Upload(dy, shape), Poisoned(shape), dx, size, sigma);
        AssertClose(GaussianBlurReference.Backward(ToDouble(dy), shape, size, sigma), dx.ToArray(), 1e-5,
            $"blur {size} sigma {sigma} backward on {Tensor.Format(shape)}");
    }

    [Theory]
    [InlineData(3, 2, 3)]
    [InlineData(5, 3, 5)]
    [InlineData(7, 4, 4)]
    [InlineData(7, 5, 9)]
    public void Backward_is_the_adjoint_of_forward(int size, int height, int width)
    {
        int[] shape = [Between(2, 3), Between(1, 3), height, width];
        var (x, y) = (Uniform(Length(shape)), Uniform(Length(shape)));
        var (jx, jty) = (Poisoned(shape), Poisoned(shape));
        var sigma = (float)(0.5 + 2 * Rng.NextDouble());
        GaussianBlur.Forward(Upload(x, shape), Poisoned(shape), jx, size, sigma);
        GaussianBlur.Backward(Upload(y, shape), Poisoned(shape), jty, size, sigma);
        AssertAdjoint(x, jx.ToArray(), y, jty.ToArray(), $"blur {size} sigma {sigma} on {Tensor.Format(shape)}");
    }

    [Fact]
    public void Backward_matches_finite_differences()
    {
        var shape = RandomShape(5);
        var dy = Uniform(Length(shape));
        var dx = Poisoned(shape);
        GaussianBlur.Backward(Upload(dy, shape), Poisoned(shape), dx, 5, 1.4f);
        AssertGradient(v => GaussianBlurReference.Forward(v, shape, 5, 1.4f), ToDouble(Uniform(Length(shape))),
            ToDouble(dy), dx.ToArray(), "blur backward");
    }

    [Fact]
    public void Rejects_a_radius_that_does_not_fit_the_image()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            GaussianBlur.Forward(Upload(Uniform(2 * 3 * 8), 1, 2, 3, 8), Poisoned(1, 2, 3, 8), Poisoned(1, 2, 3, 8), 7, 1f));
        Assert.Contains("radius 3", ex.Message);
        Assert.Contains("3x8", ex.Message);
    }

    [Theory]
    [InlineData(4, 1f, "positive odd")]
    [InlineData(0, 1f, "positive odd")]
    [InlineData(3, 0f, "sigma")]
    [InlineData(3, float.NaN, "sigma")]
    public void Rejects_bad_size_or_sigma(int size, float sigma, string message)
    {
        int[] shape = [1, 1, 5, 5];
        var ex = Assert.Throws<ArgumentException>(() =>
            GaussianBlur.Backward(Upload(Uniform(25), shape), Poisoned(shape), Poisoned(shape), size, sigma));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void Rejects_mismatched_scratch_shape()
    {
        var ex = Assert.Throws<ShapeException>(() =>
            GaussianBlur.Forward(Upload(Uniform(50), 2, 1, 5, 5), Poisoned(2, 1, 5, 4), Poisoned(2, 1, 5, 5), 3, 1f));
        Assert.Contains("scratch", ex.Message);
        Assert.Contains("[2, 1, 5, 5]", ex.Message);
        Assert.Contains("[2, 1, 5, 4]", ex.Message);
    }

    [Fact]
    public void Rejects_scratch_that_is_the_input()
    {
        var x = Upload(Uniform(25), 1, 1, 5, 5);
        var ex = Assert.Throws<ArgumentException>(() => GaussianBlur.Forward(x, x, Poisoned(1, 1, 5, 5), 3, 1f));
        Assert.Contains("scratch", ex.Message);
    }
}
