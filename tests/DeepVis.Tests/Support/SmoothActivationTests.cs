using DeepVis.Kernels.Runtime;

namespace DeepVis.Tests.Support;

/// <summary>
/// The tests every smooth element-wise activation whose backward reads its output (dx = dy f'(x) written
/// in y) shares: against a double reference, at the extremes where e^x overflows a float, with NaN, in
/// place, on large tensors, and the shape errors. Each activation's own test class names its kernels.
/// </summary>
public abstract class SmoothActivationTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    protected abstract string Name { get; }

    protected abstract void Forward(Tensor x, Tensor y);

    protected abstract void Backward(Tensor y, Tensor dy, Tensor dx);

    protected abstract double[] ReferenceForward(double[] x);

    protected abstract double[] ReferenceBackward(double[] x, double[] dy);

    private int[] RandomShape() => [Between(1, 3), Between(1, 5), Between(1, 9), Between(1, 9)];

    private static int Count(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    [Fact]
    public void Forward_matches_reference()
    {
        var shape = RandomShape();
        var x = Uniform(Count(shape), -6, 6);
        var y = Poisoned(shape);
        Forward(Upload(x, shape), y);
        AssertClose(ReferenceForward(ToDouble(x)), y.ToArray(), 1e-6, $"{Name} forward");
    }

    [Fact]
    public void Forward_saturates_without_overflow_and_propagates_nan_in_place()
    {
        // e^x overflows a float beyond |x| = 88: the output must still saturate, not turn NaN.
        float[] x = [-1000f, -100f, -88.5f, -20f, -1e-3f, 0f, 1e-3f, 0.5f, 20f, 100f, 1000f, float.NaN];
        var t = Upload(x, 1, 1, 3, 4);
        Forward(t, t);
        var values = t.ToArray();
        Assert.True(float.IsNaN(values[^1]), $"{Name} must keep NaN (as torch); {Replay}");
        AssertClose(ReferenceForward(ToDouble(x[..^1])), values[..^1], 1e-6, $"{Name} at the extremes");
    }

    [Fact]
    public void Backward_matches_reference_and_finite_differences()
    {
        var shape = RandomShape();
        var length = Count(shape);
        var (x, dy) = (Uniform(length, -4, 4), Uniform(length));
        var (y, dx) = (Poisoned(shape), Poisoned(shape));
        Forward(Upload(x, shape), y);
        Backward(y, Upload(dy, shape), dx);
        AssertClose(ReferenceBackward(ToDouble(x), ToDouble(dy)), dx.ToArray(), 1e-6, $"{Name} backward");
        AssertGradient(ReferenceForward, ToDouble(x), ToDouble(dy), dx.ToArray(), $"{Name} backward");
    }

    [Fact]
    public void Backward_into_the_output_gradient_matches_reference_on_large_tensors()
    {
        int[] shape = [3, 5, 47, 53];
        var length = Count(shape);
        var (x, dy) = (Uniform(length, -8, 8), Uniform(length));
        var y = Poisoned(shape);
        Forward(Upload(x, shape), y);
        var gradient = Upload(dy, shape);
        Backward(y, gradient, gradient);
        AssertClose(ReferenceBackward(ToDouble(x), ToDouble(dy)), gradient.ToArray(), 1e-6, $"{Name} backward in place, large");
    }

    [Fact]
    public void Rejects_mismatched_shapes()
    {
        var x = Upload(Uniform(8), 1, 2, 2, 2);
        var ex = Assert.Throws<ShapeException>(() => Forward(x, Poisoned(1, 2, 2, 3)));
        Assert.Contains("[1, 2, 2, 2]", ex.Message);
        Assert.Contains("[1, 2, 2, 3]", ex.Message);
        ex = Assert.Throws<ShapeException>(() => Backward(x, Poisoned(1, 2, 2, 3), Poisoned(1, 2, 2, 2)));
        Assert.Contains("output gradient", ex.Message);
    }
}
