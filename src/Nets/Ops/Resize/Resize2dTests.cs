using DeepVis.Kernels.Runtime;
using DeepVis.Ops;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

public abstract class Resize2dTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : Resize2dTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : Resize2dTests(fixture, Implementation.Ilgpu);

    /// <summary>Both modes, every coordinate mode and rounding, up and down, by scales and to sizes.</summary>
    public static TheoryData<ResizeMode, ResizeCoordinates, NearestRounding, double, double, int, int> Settings => new()
    {
        { ResizeMode.Linear, ResizeCoordinates.HalfPixel, NearestRounding.RoundPreferFloor, 2, 2, 0, 0 },
        { ResizeMode.Linear, ResizeCoordinates.AlignCorners, NearestRounding.RoundPreferFloor, 1.5, 0.6, 0, 0 },
        { ResizeMode.Linear, ResizeCoordinates.Asymmetric, NearestRounding.RoundPreferFloor, 0, 0, 7, 3 },
        { ResizeMode.Linear, ResizeCoordinates.PytorchHalfPixel, NearestRounding.RoundPreferFloor, 0, 0, 1, 9 },
        { ResizeMode.Nearest, ResizeCoordinates.HalfPixel, NearestRounding.RoundPreferFloor, 3, 0.5, 0, 0 },
        { ResizeMode.Nearest, ResizeCoordinates.Asymmetric, NearestRounding.Floor, 2, 3, 0, 0 },
        { ResizeMode.Nearest, ResizeCoordinates.AlignCorners, NearestRounding.Ceil, 0, 0, 8, 2 },
        { ResizeMode.Nearest, ResizeCoordinates.Asymmetric, NearestRounding.RoundPreferCeil, 0, 0, 5, 11 },
    };

    private static int Count(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    private (Resize2dSettings Settings, int[] Shape, int[] OutShape) Case(ResizeMode mode, ResizeCoordinates coordinates, NearestRounding rounding,
        double sh, double sw, int oh, int ow)
    {
        var s = new Resize2dSettings(mode, coordinates, rounding, sh, sw, oh, ow);
        int[] shape = [Between(1, 3), Between(1, 3), Between(2, 7), Between(2, 7)];
        return (s, shape, s.OutputShape(shape));
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Forward_and_backward_match_reference(ResizeMode mode, ResizeCoordinates coordinates, NearestRounding rounding, double sh, double sw, int oh, int ow)
    {
        var (s, shape, outShape) = Case(mode, coordinates, rounding, sh, sw, oh, ow);
        Assert.Equal(Resize2dReference.OutputSize(shape[2], shape[3], s), (outShape[2], outShape[3]));
        var (x, dy) = (Uniform(Count(shape)), Uniform(Count(outShape)));
        var (y, dx) = (Poisoned(outShape), Poisoned(shape));
        Resize2d.Forward(Upload(x, shape), y, s);
        Resize2d.Backward(Upload(dy, outShape), dx, s);
        AssertClose(Resize2dReference.Forward(ToDouble(x), shape, s), y.ToArray(), 1e-6, $"resize forward {s.Text} on {Tensor.Format(shape)}");
        AssertClose(Resize2dReference.Backward(ToDouble(dy), shape, s), dx.ToArray(), 1e-5, $"resize backward {s.Text} on {Tensor.Format(shape)}");
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Backward_is_the_adjoint_and_matches_finite_differences(ResizeMode mode, ResizeCoordinates coordinates, NearestRounding rounding, double sh, double sw, int oh, int ow)
    {
        var (s, shape, outShape) = Case(mode, coordinates, rounding, sh, sw, oh, ow);
        var (x, dy) = (Uniform(Count(shape)), Uniform(Count(outShape)));
        var (y, dx) = (Poisoned(outShape), Poisoned(shape));
        Resize2d.Forward(Upload(x, shape), y, s);
        Resize2d.Backward(Upload(dy, outShape), dx, s);
        AssertAdjoint(x, y.ToArray(), dy, dx.ToArray(), $"resize {s.Text}");
        AssertGradient(v => Resize2dReference.Forward(v, shape, s), ToDouble(x), ToDouble(dy), dx.ToArray(), $"resize {s.Text}");
    }

    [Fact]
    public void Forward_and_backward_match_reference_on_large_planes()
    {
        // A segmentation head's x8 bilinear upsampling, enough planes to split over threads.
        var s = new Resize2dSettings(ResizeMode.Linear, ResizeCoordinates.HalfPixel, NearestRounding.RoundPreferFloor, 8, 8);
        int[] shape = [2, 3, 6, 5];
        var outShape = s.OutputShape(shape);
        var (x, dy) = (Uniform(Count(shape)), Uniform(Count(outShape)));
        var (y, dx) = (Poisoned(outShape), Poisoned(shape));
        Resize2d.Forward(Upload(x, shape), y, s);
        Resize2d.Backward(Upload(dy, outShape), dx, s);
        AssertClose(Resize2dReference.Forward(ToDouble(x), shape, s), y.ToArray(), 1e-6, "resize x8 forward");
        AssertClose(Resize2dReference.Backward(ToDouble(dy), shape, s), dx.ToArray(), 1e-5, "resize x8 backward");
    }

    [Fact]
    public void Rejects_an_empty_output_a_bad_scale_and_mismatched_shapes()
    {
        var x = Upload(Uniform(12), 1, 1, 3, 4);
        var ex = Assert.Throws<ShapeException>(() => Resize2d.Forward(x, Poisoned(1, 1, 1, 4), new(ResizeMode.Nearest, 0, 0, 0.2, 1)));
        Assert.Contains("the output would be 0x4", ex.Message);
        Assert.Throws<ArgumentException>(() => Resize2d.Forward(x, Poisoned(1, 1, 3, 4), new(ResizeMode.Nearest, 0, 0, double.NaN, 1)));
        ex = Assert.Throws<ShapeException>(() => Resize2d.Backward(Poisoned(1, 1, 6, 7), Poisoned(1, 1, 3, 4), new(ResizeMode.Linear, 0, 0, 2, 2)));
        Assert.Contains("resize output gradient", ex.Message);
        Assert.Contains("[1, 1, 6, 8]", ex.Message);
    }
}
