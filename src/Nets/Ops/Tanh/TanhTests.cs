using DeepVis.Ops;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

public abstract class TanhTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : TanhTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : TanhTests(fixture, Implementation.Ilgpu);

    private int[] RandomShape() => [Between(1, 3), Between(1, 5), Between(1, 9), Between(1, 9)];

    private static int Count(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    [Fact]
    public void Forward_matches_reference()
    {
        var shape = RandomShape();
        var x = Uniform(Count(shape), -5, 5);
        var y = Poisoned(shape);
        Tanh.Forward(Upload(x, shape), y);
        AssertClose(TanhReference.Forward(ToDouble(x)), y.ToArray(), 1e-6, "tanh forward");
    }

    [Fact]
    public void Forward_saturates_and_propagates_nan_in_place()
    {
        float[] x = [-1000f, -100f, -10f, -1e-4f, 0f, 1e-4f, 0.5f, 10f, 100f, 1000f, float.NaN, -2f];
        var t = Upload(x, 1, 1, 3, 4);
        Tanh.Forward(t, t);
        var values = t.ToArray();
        Assert.True(float.IsNaN(values[10]), $"tanh must keep NaN (as torch); {Replay}");
        values[10] = 0;
        x[10] = 0;
        AssertClose(TanhReference.Forward(ToDouble(x)), values, 1e-6, "tanh at the extremes");
    }

    [Fact]
    public void Backward_matches_reference_and_finite_differences()
    {
        var shape = RandomShape();
        var length = Count(shape);
        var (x, dy) = (Uniform(length, -3, 3), Uniform(length));
        var (y, dx) = (Poisoned(shape), Poisoned(shape));
        Tanh.Forward(Upload(x, shape), y);
        Tanh.Backward(y, Upload(dy, shape), dx);
        AssertClose(TanhReference.Backward(ToDouble(x), ToDouble(dy)), dx.ToArray(), 1e-6, "tanh backward");
        AssertGradient(TanhReference.Forward, ToDouble(x), ToDouble(dy), dx.ToArray(), "tanh backward");
    }

    [Fact]
    public void Backward_into_the_output_gradient_matches_reference_on_large_tensors()
    {
        int[] shape = [3, 5, 47, 53];
        var length = Count(shape);
        var (x, dy) = (Uniform(length, -4, 4), Uniform(length));
        var y = Poisoned(shape);
        Tanh.Forward(Upload(x, shape), y);
        var gradient = Upload(dy, shape);
        Tanh.Backward(y, gradient, gradient);
        AssertClose(TanhReference.Backward(ToDouble(x), ToDouble(dy)), gradient.ToArray(), 1e-6, "tanh backward in place, large");
    }

    [Fact]
    public void Rejects_mismatched_shapes()
    {
        var x = Upload(Uniform(8), 1, 2, 2, 2);
        var ex = Assert.Throws<ShapeException>(() => Tanh.Forward(x, Poisoned(1, 2, 2, 3)));
        Assert.Contains("[1, 2, 2, 2]", ex.Message);
        Assert.Contains("[1, 2, 2, 3]", ex.Message);
        ex = Assert.Throws<ShapeException>(() => Tanh.Backward(x, Poisoned(1, 2, 2, 3), Poisoned(1, 2, 2, 2)));
        Assert.Contains("output gradient", ex.Message);
    }
}
