using DeepVis.Ops;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

public abstract class AvgPool2dTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : AvgPool2dTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : AvgPool2dTests(fixture, Implementation.Ilgpu);

    /// <summary>
    /// Window settings crossed with count_include_pad; ceil mode with padding is where the divisors
    /// differ. The last rows have ONNX's asymmetric pads (top, left, bottom, right).
    /// </summary>
    public static TheoryData<int, int, int, int, int, int, int, int, bool, bool> Settings
    {
        get
        {
            var data = new TheoryData<int, int, int, int, int, int, int, int, bool, bool>();
            foreach (var include in new[] { true, false })
            {
                data.Add(2, 2, 2, 2, 0, 0, 0, 0, false, include);
                data.Add(3, 3, 2, 2, 0, 0, 0, 0, true, include);
                data.Add(3, 3, 1, 1, 1, 1, 1, 1, true, include);
                data.Add(3, 3, 2, 2, 1, 1, 1, 1, false, include);
                data.Add(3, 3, 3, 3, 1, 1, 1, 1, true, include);
                data.Add(2, 3, 2, 1, 1, 1, 1, 1, true, include);
                data.Add(3, 3, 2, 2, 0, 0, 1, 1, false, include);
                data.Add(3, 3, 2, 2, 1, 1, 0, 0, true, include);
                data.Add(3, 3, 1, 1, 2, 0, 1, 2, false, include);
                data.Add(5, 3, 2, 1, 4, 0, 2, 2, true, include);
                data.Add(3, 3, 3, 3, 0, 2, 2, 0, true, include);
            }
            return data;
        }
    }

    private (int[] Shape, int[] OutShape) RandomShapes(Pool2dSettings s)
    {
        int[] shape = [Between(2, 3), Between(1, 3), Between(Math.Max(1, s.KernelH - s.PadTop - s.PadBottom), 11), Between(Math.Max(1, s.KernelW - s.PadLeft - s.PadRight), 11)];
        var (oh, ow) = MaxPool2dReference.OutputSize(shape[2], shape[3], s);
        return (shape, [shape[0], shape[1], oh, ow]);
    }

    private static int Count(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    [Theory]
    [MemberData(nameof(Settings))]
    public void Forward_matches_reference(int kh, int kw, int sh, int sw, int pt, int pl, int pb, int pr, bool ceil, bool include)
    {
        var s = new Pool2dSettings(kh, kw, sh, sw, pt, pl, pb, pr, ceil);
        var (shape, outShape) = RandomShapes(s);
        Assert.Equal(outShape, AvgPool2d.OutputShape(shape, s));
        var x = Uniform(Count(shape));
        var y = Poisoned(outShape);
        AvgPool2d.Forward(Upload(x, shape), y, s, include);
        AssertClose(AvgPool2dReference.Forward(ToDouble(x), shape, s, include), y.ToArray(), 1e-6,
            $"avg-pool forward {s} count_include_pad={include} on {Tensor.Format(shape)}");
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Backward_matches_reference_and_is_the_adjoint(int kh, int kw, int sh, int sw, int pt, int pl, int pb, int pr, bool ceil, bool include)
    {
        var s = new Pool2dSettings(kh, kw, sh, sw, pt, pl, pb, pr, ceil);
        var (shape, outShape) = RandomShapes(s);
        var (x, dy) = (Uniform(Count(shape)), Uniform(Count(outShape)));
        var y = Poisoned(outShape);
        var dx = Poisoned(shape);
        AvgPool2d.Forward(Upload(x, shape), y, s, include);
        AvgPool2d.Backward(Upload(dy, outShape), dx, s, include);
        var what = $"avg-pool backward {s} count_include_pad={include} on {Tensor.Format(shape)}";
        var gradient = dx.ToArray();
        AssertClose(AvgPool2dReference.Backward(ToDouble(dy), shape, s, include), gradient, 1e-6, what);
        AssertAdjoint(x, y.ToArray(), dy, gradient, what);
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Backward_matches_finite_differences(int kh, int kw, int sh, int sw, int pt, int pl, int pb, int pr, bool ceil, bool include)
    {
        var s = new Pool2dSettings(kh, kw, sh, sw, pt, pl, pb, pr, ceil);
        var (shape, outShape) = RandomShapes(s);
        var (x, dy) = (Uniform(Count(shape)), Uniform(Count(outShape)));
        var dx = Poisoned(shape);
        AvgPool2d.Backward(Upload(dy, outShape), dx, s, include);
        AssertGradient(v => AvgPool2dReference.Forward(v, shape, s, include), ToDouble(x), ToDouble(dy), dx.ToArray(),
            $"avg-pool backward {s} count_include_pad={include}");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Forward_and_backward_match_reference_on_large_planes(bool include)
    {
        // Enough planes and windows for the CPU kernels to split the work over threads.
        var s = new Pool2dSettings(3, 2, 1, ceilMode: true);
        int[] shape = [2, 4, 48, 45];
        var outShape = AvgPool2d.OutputShape(shape, s);
        var (x, dy) = (Uniform(Count(shape)), Uniform(Count(outShape)));
        var (y, dx) = (Poisoned(outShape), Poisoned(shape));
        AvgPool2d.Forward(Upload(x, shape), y, s, include);
        AvgPool2d.Backward(Upload(dy, outShape), dx, s, include);
        var what = $"avg-pool {s} count_include_pad={include} on {Tensor.Format(shape)}";
        AssertClose(AvgPool2dReference.Forward(ToDouble(x), shape, s, include), y.ToArray(), 1e-6, $"{what}, forward");
        AssertClose(AvgPool2dReference.Backward(ToDouble(dy), shape, s, include), dx.ToArray(), 1e-6, $"{what}, backward");
    }

    [Fact]
    public void Ceil_mode_divisors_match_pytorch()
    {
        // F.avg_pool2d(torch.ones(1, 1, 6, 6), 3, 3, 1, ceil_mode=True) in torch 1.13: the last window
        // is cut at the input plus padding (divisor 2 per axis) and holds one input per axis.
        var s = new Pool2dSettings(3, 3, 1, ceilMode: true);
        int[] shape = [2, 1, 6, 6];
        var ones = Upload(Enumerable.Repeat(1f, 72).ToArray(), shape);
        var y = Poisoned(2, 1, 3, 3);
        AvgPool2d.Forward(ones, y, s);
        double[] plane = [4 / 9.0, 6 / 9.0, 1 / 3.0, 6 / 9.0, 1, 0.5, 1 / 3.0, 0.5, 0.25];
        AssertClose([.. plane, .. plane], y.ToArray(), 1e-6, "avg-pool ceil mode, count_include_pad");

        AvgPool2d.Forward(ones, y, s, countIncludePad: false);
        AssertClose(Enumerable.Repeat(1.0, 18).ToArray(), y.ToArray(), 1e-6, "avg-pool ceil mode, valid cells only");
    }

    [Fact]
    public void Rejects_mismatched_shapes()
    {
        var s = new Pool2dSettings(3, 2, 1);
        var x = Upload(Uniform(2 * 3 * 5 * 7), 2, 3, 5, 7);
        var ex = Assert.Throws<ShapeException>(() => AvgPool2d.Forward(x, Poisoned(2, 3, 3, 3), s));
        Assert.Contains("output", ex.Message);
        Assert.Contains("[2, 3, 3, 4]", ex.Message);
        Assert.Contains("[2, 3, 3, 3]", ex.Message);

        ex = Assert.Throws<ShapeException>(() => AvgPool2d.Backward(Poisoned(2, 3, 2, 4), Poisoned(2, 3, 5, 7), s));
        Assert.Contains("output gradient", ex.Message);
        Assert.Contains("[2, 3, 3, 4]", ex.Message);
        Assert.Contains("[2, 3, 2, 4]", ex.Message);

        Assert.Throws<ArgumentException>(() => AvgPool2d.Forward(x, Poisoned(2, 3, 5, 7), new Pool2dSettings(2, 1, 2)));
    }
}
