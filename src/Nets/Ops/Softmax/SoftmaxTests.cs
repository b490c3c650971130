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
