using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Image;

/// <summary>The logistic kernels, which serve both the render parameterization and the Sigmoid graph op.</summary>
public abstract class SigmoidTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : SigmoidTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : SigmoidTests(fixture, Implementation.Ilgpu);

    private int[] RandomShape() => [Between(1, 3), Between(1, 5), Between(1, 9), Between(1, 9)];

    private static int Count(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    [Fact]
    public void Forward_matches_reference()
    {
        var shape = RandomShape();
        var x = Uniform(Count(shape), -6, 6);
        var y = Poisoned(shape);
        Sigmoid.Forward(Upload(x, shape), y);
        AssertClose(SigmoidReference.Forward(ToDouble(x)), y.ToArray(), 1e-6, "sigmoid");
    }

    [Fact]
    public void Forward_saturates_without_overflow_and_propagates_nan_in_place()
    {
        // e^-x overflows a float below x = -88: the output must still be 0, not NaN, and 1 above.
        float[] x = [-1000f, -100f, -88.5f, -20f, 0f, 20f, 100f, 1000f, float.NaN, 1e-3f, -1e-3f, 3f];
        var t = Upload(x, 1, 1, 3, 4);
        Sigmoid.Forward(t, t);
        var values = t.ToArray();
        Assert.True(float.IsNaN(values[8]), $"sigmoid must keep NaN (as torch); {Replay}");
        values[8] = 0.5f;
        x[8] = 0;
        AssertClose(SigmoidReference.Forward(ToDouble(x)), values, 1e-6, "sigmoid at the extremes");
    }

    [Fact]
    public void Backward_matches_reference_and_finite_differences()
    {
        var shape = RandomShape();
        var length = Count(shape);
        var (x, dy) = (Uniform(length, -4, 4), Uniform(length));
        var (y, dx) = (Poisoned(shape), Poisoned(shape));
        Sigmoid.Forward(Upload(x, shape), y);
        Sigmoid.Backward(y, Upload(dy, shape), dx);
        AssertClose(SigmoidReference.Backward(ToDouble(x), ToDouble(dy)), dx.ToArray(), 1e-6, "sigmoid backward");
        AssertGradient(SigmoidReference.Forward, ToDouble(x), ToDouble(dy), dx.ToArray(), "sigmoid backward");
    }

    [Fact]
    public void Backward_into_the_output_gradient_matches_reference_on_large_tensors()
    {
        int[] shape = [3, 5, 47, 53];
        var length = Count(shape);
        var (x, dy) = (Uniform(length, -8, 8), Uniform(length));
        var y = Poisoned(shape);
        Sigmoid.Forward(Upload(x, shape), y);
        var gradient = Upload(dy, shape);
        Sigmoid.Backward(y, gradient, gradient);
        AssertClose(SigmoidReference.Backward(ToDouble(x), ToDouble(dy)), gradient.ToArray(), 1e-6, "sigmoid backward in place, large");
    }

    [Fact]
    public void Rejects_mismatched_shapes()
    {
        var x = Upload(Uniform(8), 1, 2, 2, 2);
        var ex = Assert.Throws<ShapeException>(() => Sigmoid.Forward(x, Poisoned(1, 2, 2, 3)));
        Assert.Contains("[1, 2, 2, 2]", ex.Message);
        Assert.Contains("[1, 2, 2, 3]", ex.Message);
        ex = Assert.Throws<ShapeException>(() => Sigmoid.Backward(x, Poisoned(1, 2, 2, 3), Poisoned(1, 2, 2, 2)));
        Assert.Contains("output gradient", ex.Message);
    }
}
