using DeepVis.Ops;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

public abstract class SoftmaxTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : SoftmaxTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : SoftmaxTests(fixture, Implementation.Ilgpu);

    private int[] RandomShape() => [Between(2, 5), Between(1, 37)];

    private static int Count(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    private static void Forward(bool log, Tensor x, Tensor y)
    {
        if (log) LogSoftmax.Forward(x, y);
        else Softmax.Forward(x, y);
    }

    private static void Backward(bool log, Tensor y, Tensor dy, Tensor dx)
    {
        if (log) LogSoftmax.Backward(y, dy, dx);
        else Softmax.Backward(y, dy, dx);
    }

    private static string Name(bool log) => log ? "log-softmax" : "softmax";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Forward_matches_reference(bool log)
    {
        var shape = RandomShape();
        var x = Uniform(Count(shape), -5, 5);
        var y = Poisoned(shape);
        Forward(log, Upload(x, shape), y);
        AssertClose(SoftmaxReference.Forward(ToDouble(x), shape[1], log), y.ToArray(), 1e-5, $"{Name(log)} forward on {Tensor.Format(shape)}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Forward_is_stable_for_large_logits(bool log)
    {
        // exp(1000) overflows float and double alike: only the max-subtracted form gets these right.
        var shape = RandomShape();
        var x = Uniform(Count(shape), 990, 1010);
        for (var i = 0; i < x.Length; i += 2) x[i] -= 2000;
        var y = Poisoned(shape);
        Forward(log, Upload(x, shape), y);
        AssertClose(SoftmaxReference.Forward(ToDouble(x), shape[1], log), y.ToArray(), 1e-4, $"{Name(log)} forward, large logits");
    }

    [Fact]
    public void Forward_in_place_matches_reference()
    {
        var shape = RandomShape();
        var x = Uniform(Count(shape), -5, 5);
        var t = Upload(x, shape);
        Softmax.Forward(t, t);
        AssertClose(SoftmaxReference.Forward(ToDouble(x), shape[1], log: false), t.ToArray(), 1e-5, "softmax forward in place");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Backward_matches_reference(bool log)
    {
        var shape = RandomShape();
        var (x, dy) = (Uniform(Count(shape), -5, 5), Uniform(Count(shape)));
        var y = Array.ConvertAll(SoftmaxReference.Forward(ToDouble(x), shape[1], log), v => (float)v);
        var dx = Poisoned(shape);
        Backward(log, Upload(y, shape), Upload(dy, shape), dx);
        AssertClose(SoftmaxReference.Backward(ToDouble(x), shape[1], ToDouble(dy), log), dx.ToArray(), 1e-5,
            $"{Name(log)} backward on {Tensor.Format(shape)}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Backward_matches_finite_differences(bool log)
    {
        var shape = RandomShape();
        var (x, dy) = (Uniform(Count(shape), -5, 5), Uniform(Count(shape)));
        var y = Poisoned(shape);
        var dx = Poisoned(shape);
        Forward(log, Upload(x, shape), y);
        Backward(log, y, Upload(dy, shape), dx);
        AssertGradient(v => SoftmaxReference.Forward(v, shape[1], log), ToDouble(x), ToDouble(dy), dx.ToArray(),
            $"{Name(log)} backward on {Tensor.Format(shape)}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Forward_and_backward_match_reference_on_long_rows(bool log)
    {
        // ImageNet-sized rows (and one more, for a partial vector), enough of them to split over threads.
        int[] shape = [9, 1001];
        var (x, dy) = (Uniform(Count(shape), -5, 5), Uniform(Count(shape)));
        var y = Poisoned(shape);
        var dx = Poisoned(shape);
        Forward(log, Upload(x, shape), y);
        Backward(log, y, Upload(dy, shape), dx);
        AssertClose(SoftmaxReference.Forward(ToDouble(x), shape[1], log), y.ToArray(), 1e-5, $"{Name(log)} forward on {Tensor.Format(shape)}");
        AssertClose(SoftmaxReference.Backward(ToDouble(x), shape[1], ToDouble(dy), log), dx.ToArray(), 1e-5,
            $"{Name(log)} backward on {Tensor.Format(shape)}");
    }

    /// <summary>Axes of [N, C, H, W] and [N, C, L]: one axis alone (opset 13) or everything from it on (opset 1-12), both kinds.</summary>
    public static TheoryData<int, int, bool, bool> Axes => new()
    {
        { 4, 1, false, false }, { 4, 1, false, true }, { 4, 2, false, false }, { 4, 3, false, true },
        { 4, 1, true, false }, { 4, 2, true, true }, { 4, 3, true, false }, { 3, 1, false, true }, { 3, 2, true, false },
    };

    // Sides from 2: a line of one element has a zero gradient that float rounding only approximates.
    private int[] RandomShape(int rank) => [Between(1, 3), .. Enumerable.Range(1, rank - 1).Select(_ => Between(2, 6))];

    private static (int Length, int Inner) Line(int[] shape, int axis, bool coerced)
    {
        var (_, length, inner) = Softmax.Layout(shape, axis, coerced, "test");
        return (length, inner);
    }

    private static void Forward(bool log, Tensor x, Tensor y, int axis, bool coerced)
    {
        if (log) LogSoftmax.Forward(x, y, axis, coerced);
        else Softmax.Forward(x, y, axis, coerced);
    }

    private static void Backward(bool log, Tensor y, Tensor dy, Tensor dx, int axis, bool coerced)
    {
        if (log) LogSoftmax.Backward(y, dy, dx, axis, coerced);
        else Softmax.Backward(y, dy, dx, axis, coerced);
    }

    [Theory]
    [MemberData(nameof(Axes))]
    public void Along_an_axis_forward_and_backward_match_reference(int rank, int axis, bool coerced, bool log)
    {
        var shape = RandomShape(rank);
        var (length, inner) = Line(shape, axis, coerced);
        var (x, dy) = (Uniform(Count(shape), -5, 5), Uniform(Count(shape)));
        var (y, dx) = (Poisoned(shape), Poisoned(shape));
        Forward(log, Upload(x, shape), y, axis, coerced);
        Backward(log, y, Upload(dy, shape), dx, axis, coerced);
        var what = $"{Name(log)} axis {axis}{(coerced ? " coerced" : "")} on {Tensor.Format(shape)}";
        AssertClose(SoftmaxReference.Forward(ToDouble(x), length, inner, log), y.ToArray(), 1e-5, $"{what} forward");
        AssertClose(SoftmaxReference.Backward(ToDouble(x), length, inner, ToDouble(dy), log), dx.ToArray(), 1e-5, $"{what} backward");
    }

    [Theory]
    [MemberData(nameof(Axes))]
    public void Along_an_axis_backward_matches_finite_differences(int rank, int axis, bool coerced, bool log)
    {
        var shape = RandomShape(rank);
        var (length, inner) = Line(shape, axis, coerced);
        var (x, dy) = (Uniform(Count(shape), -5, 5), Uniform(Count(shape)));
        var (y, dx) = (Poisoned(shape), Poisoned(shape));
        Forward(log, Upload(x, shape), y, axis, coerced);
        Backward(log, y, Upload(dy, shape), dx, axis, coerced);
        AssertGradient(v => SoftmaxReference.Forward(v, length, inner, log), ToDouble(x), ToDouble(dy), dx.ToArray(),
            $"{Name(log)} axis {axis}{(coerced ? " coerced" : "")} backward on {Tensor.Format(shape)}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Over_channels_in_place_and_on_large_planes_matches_reference(bool log)
    {
        // Enough blocks to split over threads, planes wider than a vector with a remainder.
        int[] shape = [3, 7, 9, 11];
        var x = Uniform(Count(shape), -5, 5);
        var t = Upload(x, shape);
        Forward(log, t, t, 1, false);
        AssertClose(SoftmaxReference.Forward(ToDouble(x), 7, 99, log), t.ToArray(), 1e-5, $"{Name(log)} over channels in place");
    }

    [Fact]
    public void Refuses_the_batch_axis_and_an_axis_past_the_rank()
    {
        var x = Upload(Uniform(24), 2, 3, 2, 2);
        var ex = Assert.Throws<ShapeException>(() => Softmax.Forward(x, Poisoned(2, 3, 2, 2), 0, false));
        Assert.Contains("axis 0 of a tensor of shape [2, 3, 2, 2]; expected 1 to 3 (axis 0 is the batch)", ex.Message);
        ex = Assert.Throws<ShapeException>(() => LogSoftmax.Backward(x, x, Poisoned(2, 3, 2, 2), 4, true));
        Assert.Contains("axis 4", ex.Message);
    }

    [Fact]
    public void Rejects_mismatched_shapes()
    {
        var x = Upload(Uniform(12), 3, 4);
        var ex = Assert.Throws<ShapeException>(() => Softmax.Forward(x, Poisoned(4, 3)));
        Assert.Contains("softmax output", ex.Message);
        Assert.Contains("[3, 4]", ex.Message);
        Assert.Contains("[4, 3]", ex.Message);

        ex = Assert.Throws<ShapeException>(() => LogSoftmax.Backward(x, Poisoned(3, 5), Poisoned(3, 4)));
        Assert.Contains("log-softmax output gradient", ex.Message);
        Assert.Contains("[3, 4]", ex.Message);
        Assert.Contains("[3, 5]", ex.Message);

        ex = Assert.Throws<ShapeException>(() => Softmax.Forward(Upload(Uniform(12), 3, 4, 1, 1), Poisoned(3, 4, 1, 1)));
        Assert.Contains("[3, 4, 1, 1]", ex.Message);
    }
}
