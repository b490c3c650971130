using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Image;

public abstract class ResizeTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : ResizeTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : ResizeTests(fixture, Implementation.Ilgpu);

    private static int Length(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    [Theory]
    [InlineData(7, 7, 10, 10)]   // up, non-integer ratio
    [InlineData(10, 10, 7, 7)]   // down, non-integer ratio
    [InlineData(5, 5, 5, 5)]     // identity
    [InlineData(4, 4, 29, 29)]   // large upscale (28 -> 224 style)
    [InlineData(29, 23, 4, 5)]   // large downscale
    [InlineData(7, 10, 10, 7)]   // up in H, down in W
    [InlineData(5, 9, 12, 4)]
    [InlineData(6, 3, 3, 11)]    // exact halving in H
    [InlineData(1, 3, 4, 1)]     // from and to a single row or column
    [InlineData(3, 300, 2, 600)] // wider than one block of columns (exact scales: float and double agree)
    [InlineData(2, 600, 5, 300)]
    public void Forward_matches_reference(int inH, int inW, int outH, int outW)
    {
        int[] inShape = [Between(2, 3), Between(1, 3), inH, inW];
        var x = Uniform(Length(inShape));
        var y = Poisoned(inShape[0], inShape[1], outH, outW);
        Resize.Forward(Upload(x, inShape), y);
        AssertClose(ResizeReference.Forward(ToDouble(x), inShape, outH, outW), y.ToArray(), 1e-5,
            $"resize {inH}x{inW} -> {outH}x{outW}");
    }

    [Fact]
    public void Forward_to_the_same_size_is_the_identity()
    {
        int[] shape = [2, 3, 2 * Between(1, 4) + 1, 2 * Between(1, 4) + 1];
        var x = Uniform(Length(shape));
        var y = Poisoned(shape);
        Resize.Forward(Upload(x, shape), y);
        AssertClose(ToDouble(x), y.ToArray(), 0, $"resize {Tensor.Format(shape)} to its own size");
    }

    [Fact]
    public void Forward_of_a_linear_ramp_matches_the_source_coordinates()
    {
        // Inside the clamped borders bilinear interpolation of x[i] = i returns the source coordinate
        // src = (dst + 0.5) * in / out - 0.5 itself: 7 -> 10 along W.
        int[] shape = [1, 1, 1, 7];
        var x = Enumerable.Range(0, 7).Select(i => (float)i).ToArray();
        var y = Poisoned(1, 1, 1, 10);
        Resize.Forward(Upload(x, shape), y);
        var expected = Enumerable.Range(0, 10).Select(o => Math.Clamp((o + 0.5) * 0.7 - 0.5, 0, 6)).ToArray();
        AssertClose(expected, y.ToArray(), 1e-5, "resize of a ramp");
    }

    [Theory]
    [InlineData(7, 7, 10, 10)]
    [InlineData(10, 10, 7, 7)]
    [InlineData(5, 5, 5, 5)]
    [InlineData(4, 4, 29, 29)]
    [InlineData(29, 23, 4, 5)]
    [InlineData(7, 10, 10, 7)]
    [InlineData(5, 9, 12, 4)]
    [InlineData(1, 3, 4, 1)]
    [InlineData(3, 300, 2, 600)]
    [InlineData(2, 600, 5, 300)]
    public void Backward_matches_reference(int inH, int inW, int outH, int outW)
    {
        var (n, c) = (Between(2, 3), Between(1, 3));
        int[] inShape = [n, c, inH, inW];
        var dy = Uniform(n * c * outH * outW);
        var dx = Poisoned(inShape);
        Resize.Backward(Upload(dy, n, c, outH, outW), dx);
        AssertClose(ResizeReference.Backward(ToDouble(dy), inShape, outH, outW), dx.ToArray(), 1e-5,
            $"resize backward {inH}x{inW} -> {outH}x{outW}");
    }

    [Theory]
    [InlineData(7, 7, 10, 10)]
    [InlineData(10, 10, 7, 7)]
    [InlineData(4, 5, 29, 17)]
    [InlineData(13, 9, 3, 4)]
    [InlineData(3, 300, 2, 520)]
    public void Backward_is_the_adjoint_of_forward(int inH, int inW, int outH, int outW)
    {
        var (n, c) = (Between(2, 3), Between(1, 3));
        var (x, y) = (Uniform(n * c * inH * inW), Uniform(n * c * outH * outW));
        var (jx, jty) = (Poisoned(n, c, outH, outW), Poisoned(n, c, inH, inW));
        Resize.Forward(Upload(x, n, c, inH, inW), jx);
        Resize.Backward(Upload(y, n, c, outH, outW), jty);
        AssertAdjoint(x, jx.ToArray(), y, jty.ToArray(), $"resize {inH}x{inW} -> {outH}x{outW}");
    }

    [Fact]
    public void Backward_matches_finite_differences()
    {
        int[] inShape = [2, 2, Between(3, 8), Between(3, 8)];
        var (outH, outW) = (Between(2, 12), Between(2, 12));
        var dy = Uniform(2 * 2 * outH * outW);
        var dx = Poisoned(inShape);
        Resize.Backward(Upload(dy, 2, 2, outH, outW), dx);
        AssertGradient(v => ResizeReference.Forward(v, inShape, outH, outW), ToDouble(Uniform(Length(inShape))),
            ToDouble(dy), dx.ToArray(), $"resize backward {Tensor.Format(inShape)} -> {outH}x{outW}");
    }

    [Fact]
    public void Rejects_output_with_other_channels()
    {
        var ex = Assert.Throws<ShapeException>(() => Resize.Forward(Upload(Uniform(2 * 3 * 16), 2, 3, 4, 4), Poisoned(2, 2, 8, 8)));
        Assert.Contains("[2, 3, 4, 4]", ex.Message);
        Assert.Contains("[2, 2, 8, 8]", ex.Message);
    }

    [Fact]
    public void Rejects_a_gradient_that_is_not_an_image()
    {
        var ex = Assert.Throws<ShapeException>(() => Resize.Backward(Upload(Uniform(12), 2, 6), Poisoned(2, 1, 3, 3)));
        Assert.Contains("[2, 6]", ex.Message);
    }

    [Fact]
    public void Rejects_resizing_in_place()
    {
        var x = Upload(Uniform(25), 1, 1, 5, 5);
        var ex = Assert.Throws<ArgumentException>(() => Resize.Forward(x, x));
        Assert.Contains("different tensor", ex.Message);
    }
}
