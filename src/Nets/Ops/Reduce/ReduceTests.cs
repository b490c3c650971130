using DeepVis.Kernels.Runtime;
using DeepVis.Ops;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

public abstract class ReduceTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : ReduceTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : ReduceTests(fixture, Implementation.Ilgpu);

    public static TheoryData<ReduceKind, int[]> Cases => new()
    {
        { ReduceKind.Mean, [2, 3] }, { ReduceKind.Mean, [1] }, { ReduceKind.Mean, [1, 3] }, { ReduceKind.Mean, [2] },
        { ReduceKind.Max, [2, 3] }, { ReduceKind.Max, [1] }, { ReduceKind.Max, [1, 2, 3] }, { ReduceKind.Max, [3] },
    };

    private int[] RandomShape() => [Between(2, 3), Between(1, 5), Between(1, 9), Between(1, 9)];

    private static int Count(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    private static int[] Kept(int[] shape, int[] axes) => [.. shape.Select((d, k) => axes.Contains(k) ? 1 : d)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_reference(ReduceKind kind, int[] axes)
    {
        var shape = RandomShape();
        var x = Uniform(Count(shape));
        var y = Poisoned(Kept(shape, axes));
        Reduce.Forward(kind, Upload(x, shape), axes, y);
        AssertClose(ReduceReference.Forward(kind, ToDouble(x), shape, axes), y.ToArray(), 1e-6, $"{kind} over [{string.Join(", ", axes)}] of {Tensor.Format(shape)}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_matches_finite_differences(ReduceKind kind, int[] axes)
    {
        var shape = RandomShape();
        var kept = Kept(shape, axes);
        var (x, dy) = (Uniform(Count(shape)), Uniform(Count(kept)));
        var tx = Upload(x, shape);
        var y = Poisoned(kept);
        Reduce.Forward(kind, tx, axes, y);
        var dx = Poisoned(shape);
        Reduce.Backward(kind, tx, axes, y, Upload(dy, kept), dx);
        // Random inputs have no ties: the maximum is differentiable there.
        AssertGradient(v => ReduceReference.Forward(kind, v, shape, axes), ToDouble(x), ToDouble(dy), dx.ToArray(), $"{kind} backward over [{string.Join(", ", axes)}]");
        if (kind == ReduceKind.Mean) AssertAdjoint(x, y.ToArray(), dy, dx.ToArray(), "mean");
    }

    [Fact]
    public void The_maximum_splits_its_gradient_among_ties_as_amax_does()
    {
        int[] shape = [2, 3, 4, 5];
        int[] axes = [2, 3];
        // Whole numbers from a small range: every group has ties at its maximum.
        var x = Uniform(Count(shape), 0, 4).Select(MathF.Floor).ToArray();
        var dy = Uniform(6);
        var tx = Upload(x, shape);
        var y = Poisoned(2, 3);
        Reduce.Forward(ReduceKind.Max, tx, axes, y);
        var dx = Poisoned(shape);
        Reduce.Backward(ReduceKind.Max, tx, axes, y, Upload(dy, 2, 3), dx);
        AssertClose(ReduceReference.MaxBackward(ToDouble(x), shape, axes, ToDouble(dy)), dx.ToArray(), 1e-6, "amax backward with ties (keepdims 0)");
    }

    [Fact]
    public void A_global_mean_matches_reference_on_a_large_map()
    {
        int[] shape = [3, 5, 47, 53];
        var x = Uniform(Count(shape));
        var y = Poisoned(3, 5, 1, 1);
        Reduce.Forward(ReduceKind.Mean, Upload(x, shape), [2, 3], y);
        AssertClose(ReduceReference.Forward(ReduceKind.Mean, ToDouble(x), shape, [2, 3]), y.ToArray(), 1e-6, "global mean");
    }

    [Fact]
    public void Rejects_axes_and_shapes_that_do_not_fit()
    {
        var x = Upload(Uniform(2 * 3 * 4 * 5), 2, 3, 4, 5);
        var ex = Assert.Throws<ShapeException>(() => Reduce.Forward(ReduceKind.Mean, x, [4], Poisoned(2, 3, 4, 5)));
        Assert.Contains("axes [4]", ex.Message);
        ex = Assert.Throws<ShapeException>(() => Reduce.Forward(ReduceKind.Mean, x, [2, 3], Poisoned(2, 3, 4, 1)));
        Assert.Contains("[2, 3, 4, 1]", ex.Message);
        Assert.Contains("[2, 3, 1, 1]", ex.Message);
        ex = Assert.Throws<ShapeException>(() => Reduce.Backward(ReduceKind.Max, x, [1], Poisoned(2, 1, 4, 5), Poisoned(2, 1, 4, 5), Poisoned(2, 3, 4, 4)));
        Assert.Contains("input gradient", ex.Message);
    }
}
