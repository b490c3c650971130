using DeepVis.Kernels.Runtime;
using DeepVis.Ops;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

public abstract class Pad2dTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : Pad2dTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : Pad2dTests(fixture, Implementation.Ilgpu);

    /// <summary>Each mode with symmetric, one-sided and asymmetric pads, reflect up to one below the side, edge past it.</summary>
    public static TheoryData<int, int, int, int, PadMode, float> Settings => new()
    {
        { 1, 2, 1, 2, PadMode.Constant, 0 },
        { 0, 3, 2, 0, PadMode.Constant, -1.5f },
        { 1, 1, 1, 1, PadMode.Reflect, 0 },
        { 3, 0, 1, 4, PadMode.Reflect, 0 },
        { 2, 1, 0, 3, PadMode.Edge, 0 },
        { 7, 6, 5, 9, PadMode.Edge, 0 },
    };

    private static int Count(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    private int[] RandomShape(Pad2dSettings s) =>
        [Between(1, 3), Between(1, 3), Between(Math.Max(s.Top, s.Bottom) + 1, 9), Between(Math.Max(s.Left, s.Right) + 1, 9)];

    [Theory]
    [MemberData(nameof(Settings))]
    public void Forward_and_backward_match_reference(int top, int left, int bottom, int right, PadMode mode, float value)
    {
        var s = new Pad2dSettings(top, left, bottom, right, mode, value);
        var shape = RandomShape(s);
        var outShape = s.OutputShape(shape);
        var (x, dy) = (Uniform(Count(shape)), Uniform(Count(outShape)));
        var (y, dx) = (Poisoned(outShape), Poisoned(shape));
        Pad2d.Forward(Upload(x, shape), y, s);
        Pad2d.Backward(Upload(dy, outShape), dx, s);
        AssertClose(Pad2dReference.Forward(ToDouble(x), shape, s), y.ToArray(), 0, $"pad forward {s.Text} on {Tensor.Format(shape)}");
        AssertClose(Pad2dReference.Backward(ToDouble(dy), shape, s), dx.ToArray(), 1e-6, $"pad backward {s.Text} on {Tensor.Format(shape)}");
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Backward_is_the_adjoint_and_matches_finite_differences(int top, int left, int bottom, int right, PadMode mode, float value)
    {
        // Padding is affine: its backward is the adjoint of the copying part (the constant drops out).
        var s = new Pad2dSettings(top, left, bottom, right, mode, value);
        var shape = RandomShape(s);
        var outShape = s.OutputShape(shape);
        var (x, dy) = (Uniform(Count(shape)), Uniform(Count(outShape)));
        var copying = s with { Value = 0 };
        var (y, dx) = (Poisoned(outShape), Poisoned(shape));
        Pad2d.Forward(Upload(x, shape), y, copying);
        Pad2d.Backward(Upload(dy, outShape), dx, s);
        AssertAdjoint(x, y.ToArray(), dy, dx.ToArray(), $"pad {s.Text}");
        AssertGradient(v => Pad2dReference.Forward(v, shape, s), ToDouble(x), ToDouble(dy), dx.ToArray(), $"pad {s.Text}");
    }

    [Fact]
    public void Forward_and_backward_match_reference_on_large_planes()
    {
        // Enough planes for the CPU kernels to split the work over threads.
        var s = new Pad2dSettings(2, 3, 1, 2, PadMode.Reflect);
        int[] shape = [2, 5, 31, 40];
        var outShape = s.OutputShape(shape);
        var (x, dy) = (Uniform(Count(shape)), Uniform(Count(outShape)));
        var (y, dx) = (Poisoned(outShape), Poisoned(shape));
        Pad2d.Forward(Upload(x, shape), y, s);
        Pad2d.Backward(Upload(dy, outShape), dx, s);
        AssertClose(Pad2dReference.Forward(ToDouble(x), shape, s), y.ToArray(), 0, "pad forward on large planes");
        AssertClose(Pad2dReference.Backward(ToDouble(dy), shape, s), dx.ToArray(), 1e-6, "pad backward on large planes");
    }

    [Fact]
    public void Rejects_a_reflect_pad_as_large_as_its_side_negative_pads_and_mismatched_shapes()
    {
        var x = Upload(Uniform(12), 1, 1, 3, 4);
        var ex = Assert.Throws<ShapeException>(() => Pad2d.Forward(x, Poisoned(1, 1, 6, 4), new Pad2dSettings(3, 0, 0, 0, PadMode.Reflect)));
        Assert.Contains("too small to reflect top 3", ex.Message);
        Assert.Throws<ArgumentException>(() => Pad2d.Forward(x, Poisoned(1, 1, 2, 4), new Pad2dSettings(-1, 0, 0, 0)));
        ex = Assert.Throws<ShapeException>(() => Pad2d.Backward(Poisoned(1, 1, 5, 4), Poisoned(1, 1, 3, 4), new Pad2dSettings(1, 0, 0, 0, PadMode.Edge)));
        Assert.Contains("pad output gradient", ex.Message);
        Assert.Contains("[1, 1, 4, 4]", ex.Message);
    }
}
