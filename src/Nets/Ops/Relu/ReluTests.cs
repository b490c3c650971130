using DeepVis.Ops;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

public abstract class ReluTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : ReluTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : ReluTests(fixture, Implementation.Ilgpu);

    private int[] RandomShape() => [Between(1, 3), Between(1, 5), Between(1, 9), Between(1, 9)];

    [Fact]
    public void Forward_matches_reference()
    {
        var shape = RandomShape();
        var x = Uniform(shape.Aggregate(1, (a, b) => a * b));
        var y = Poisoned(shape);
        Relu.Forward(Upload(x, shape), y);
        AssertClose(ReluReference.Forward(ToDouble(x)), y.ToArray(), 0, "relu forward");
    }

    [Fact]
    public void Forward_in_place_matches_reference()
    {
        var shape = RandomShape();
        var x = Uniform(shape.Aggregate(1, (a, b) => a * b));
        var t = Upload(x, shape);
        Relu.Forward(t, t);
        AssertClose(ReluReference.Forward(ToDouble(x)), t.ToArray(), 0, "relu forward in place");
    }

    [Theory]
    [InlineData(ReluGradient.Standard)]
    [InlineData(ReluGradient.PassThrough)]
    public void Backward_matches_reference(ReluGradient mode)
    {
        var shape = RandomShape();
        var length = shape.Aggregate(1, (a, b) => a * b);
        var (x, dy) = (Uniform(length), Uniform(length));
        var dx = Poisoned(shape);
        Relu.Backward(Upload(x, shape), Upload(dy, shape), dx, mode);
        AssertClose(ReluReference.Backward(ToDouble(x), ToDouble(dy), mode == ReluGradient.PassThrough),
            dx.ToArray(), 0, $"relu backward ({mode})");
    }

    [Fact]
    public void Redirected_backward_changes_only_items_whose_gradient_vanishes()
    {
        var shape = RandomShape();
        shape[0] = 3;
        var length = shape.Aggregate(1, (a, b) => a * b);
        var item = length / 3;
        // Item 0 is all negative (its true gradient vanishes), items 1 and 2 are mixed.
        var x = Uniform(length);
        for (var i = 0; i < item; i++) x[i] = -Math.Abs(x[i]) - 0.1f;
        x[item] = 0.5f;
        x[2 * item] = 0.5f;
        var dy = Uniform(length);
        dy[item] = dy[2 * item] = 1f;
        var dx = Poisoned(shape);
        Relu.Backward(Upload(x, shape), Upload(dy, shape), dx, ReluGradient.Redirected);
        var expected = ReluReference.Redirected(ToDouble(x), ToDouble(dy), item);
        AssertClose(expected, dx.ToArray(), 0, "redirected relu backward");
        Assert.Contains(expected.Take(item), v => v != 0);
        Assert.Equal(ReluReference.Backward(ToDouble(x), ToDouble(dy), false).Skip(item), expected.Skip(item));
    }

    [Fact]
    public void Backward_matches_finite_differences()
    {
        var shape = RandomShape();
        var length = shape.Aggregate(1, (a, b) => a * b);
        var (x, dy) = (Uniform(length), Uniform(length));
        var dx = Poisoned(shape);
        Relu.Backward(Upload(x, shape), Upload(dy, shape), dx);
        AssertGradient(ReluReference.Forward, ToDouble(x), ToDouble(dy), dx.ToArray(), "relu backward");
    }

    [Fact]
    public void Rejects_mismatched_output_shape()
    {
        var ex = Assert.Throws<DeepVis.Kernels.Runtime.ShapeException>(() =>
            Relu.Forward(Upload(Uniform(8), 1, 2, 2, 2), Poisoned(1, 2, 2, 3)));
        Assert.Contains("[1, 2, 2, 2]", ex.Message);
        Assert.Contains("[1, 2, 2, 3]", ex.Message);
    }
}
