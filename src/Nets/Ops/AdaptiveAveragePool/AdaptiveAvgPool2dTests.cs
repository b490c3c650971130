using DeepVis.Ops;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

public abstract class AdaptiveAvgPool2dTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : AdaptiveAvgPool2dTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : AdaptiveAvgPool2dTests(fixture, Implementation.Ilgpu);

    /// <summary>
    /// VGG's 7x7 and AlexNet's 6x6 from inputs smaller, equal and larger, non-square cases, and the
    /// global average pool of ResNet, DenseNet, GoogLeNet, Inception and MobileNet (1x1 from odd, non-square inputs).
    /// </summary>
    public static TheoryData<int, int, int, int> Sizes => new()
    {
        { 1, 1, 7, 7 },
        { 5, 5, 7, 7 },
        { 14, 14, 7, 7 },
        { 7, 7, 7, 7 },
        { 13, 13, 7, 7 },
        { 13, 13, 6, 6 },
        { 1, 1, 6, 6 },
        { 5, 5, 6, 6 },
        { 3, 11, 6, 7 },
        { 9, 4, 2, 3 },
        { 5, 9, 1, 1 },
        { 7, 3, 1, 1 },
        { 1, 11, 1, 1 },
    };

    private int[] RandomShape(int h, int w) => [Between(2, 3), Between(1, 3), h, w];

    private static int Count(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Forward_matches_reference(int h, int w, int outH, int outW)
    {
        var shape = RandomShape(h, w);
        int[] outShape = [shape[0], shape[1], outH, outW];
        Assert.Equal(outShape, AdaptiveAvgPool2d.OutputShape(shape, outH, outW));
        var x = Uniform(Count(shape));
        var y = Poisoned(outShape);
        AdaptiveAvgPool2d.Forward(Upload(x, shape), y);
        AssertClose(AdaptiveAvgPool2dReference.Forward(ToDouble(x), shape, outH, outW), y.ToArray(), 1e-6,
            $"adaptive avg-pool forward {Tensor.Format(shape)} to {outH}x{outW}");
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Backward_matches_reference_and_is_the_adjoint(int h, int w, int outH, int outW)
    {
        var shape = RandomShape(h, w);
        int[] outShape = [shape[0], shape[1], outH, outW];
        var (x, dy) = (Uniform(Count(shape)), Uniform(Count(outShape)));
        var y = Poisoned(outShape);
        var dx = Poisoned(shape);
        AdaptiveAvgPool2d.Forward(Upload(x, shape), y);
        AdaptiveAvgPool2d.Backward(Upload(dy, outShape), dx);
        var what = $"adaptive avg-pool backward {Tensor.Format(shape)} to {outH}x{outW}";
        var gradient = dx.ToArray();
        // 1x1 to 7x7: each dx sums 49 float shares, a few 1e-6 of rounding (seed 2084116199 failed at 1e-6).
        AssertClose(AdaptiveAvgPool2dReference.Backward(ToDouble(dy), shape, outH, outW), gradient, 1e-5, what);
        AssertAdjoint(x, y.ToArray(), dy, gradient, what);
    }

    [Theory]
    [InlineData(5, 5, 7, 7)]
    [InlineData(13, 13, 6, 6)]
    [InlineData(3, 11, 6, 7)]
    [InlineData(5, 9, 1, 1)]
    public void Backward_matches_finite_differences(int h, int w, int outH, int outW)
    {
        var shape = RandomShape(h, w);
        int[] outShape = [shape[0], shape[1], outH, outW];
        var (x, dy) = (Uniform(Count(shape)), Uniform(Count(outShape)));
        var dx = Poisoned(shape);
        AdaptiveAvgPool2d.Backward(Upload(dy, outShape), dx);
        AssertGradient(v => AdaptiveAvgPool2dReference.Forward(v, shape, outH, outW), ToDouble(x), ToDouble(dy), dx.ToArray(),
            $"adaptive avg-pool backward {Tensor.Format(shape)} to {outH}x{outW}");
    }

    [Fact]
    public void Forward_and_backward_match_reference_on_large_planes()
    {
        // Enough planes for the CPU kernels to split the work over threads.
        int[] shape = [4, 4, 45, 47];
        int[] outShape = [4, 4, 7, 7];
        var (x, dy) = (Uniform(Count(shape)), Uniform(Count(outShape)));
        var (y, dx) = (Poisoned(outShape), Poisoned(shape));
        AdaptiveAvgPool2d.Forward(Upload(x, shape), y);
        AdaptiveAvgPool2d.Backward(Upload(dy, outShape), dx);
        AssertClose(AdaptiveAvgPool2dReference.Forward(ToDouble(x), shape, 7, 7), y.ToArray(), 1e-6,
            $"adaptive avg-pool forward {Tensor.Format(shape)} to 7x7");
        AssertClose(AdaptiveAvgPool2dReference.Backward(ToDouble(dy), shape, 7, 7), dx.ToArray(), 1e-6,
            $"adaptive avg-pool backward {Tensor.Format(shape)} to 7x7");
    }

    [Fact]
    public void Bins_overlap_like_pytorch()
    {
        // 5 -> 3: bins [0, 2), [1, 4), [3, 5) (floor and ceil of o * 5 / 3); a one-hot input at index 1
        // lands in the first two bins only.
        int[] shape = [2, 1, 1, 5];
        var x = new float[10];
        x[1] = 6;
        x[5 + 3] = 6;
        var y = Poisoned(2, 1, 1, 3);
        AdaptiveAvgPool2d.Forward(Upload(x, shape), y);
        AssertClose([3, 2, 0, 0, 2, 3], y.ToArray(), 1e-6, "adaptive avg-pool 5 -> 3 bins");
    }

    [Fact]
    public void Rejects_mismatched_shapes()
    {
        var x = Upload(Uniform(2 * 3 * 5 * 5), 2, 3, 5, 5);
        var ex = Assert.Throws<ShapeException>(() => AdaptiveAvgPool2d.Forward(x, Poisoned(2, 4, 7, 7)));
        Assert.Contains("output", ex.Message);
        Assert.Contains("[2, 3, 7, 7]", ex.Message);
        Assert.Contains("[2, 4, 7, 7]", ex.Message);

        ex = Assert.Throws<ShapeException>(() => AdaptiveAvgPool2d.Backward(Poisoned(1, 3, 6, 6), Poisoned(2, 3, 5, 5)));
        Assert.Contains("output gradient", ex.Message);
        Assert.Contains("[2, 3, 6, 6]", ex.Message);
        Assert.Contains("[1, 3, 6, 6]", ex.Message);

        ex = Assert.Throws<ShapeException>(() => AdaptiveAvgPool2d.Forward(x, Poisoned(2, 3, 49)));
        Assert.Contains("[2, 3, 49]", ex.Message);
    }
}
