using DeepVis.Ops;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

public abstract class HardSwishTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : HardSwishTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : HardSwishTests(fixture, Implementation.Ilgpu);

    private int[] RandomShape() => [Between(1, 3), Between(1, 5), Between(1, 9), Between(1, 9)];

    private static int Count(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    /// <summary>Inputs beyond both kinks, with some exactly on them (x = -3 and 3, where torch's conventions show).</summary>
    private float[] Inputs(int count)
    {
        var x = Uniform(count, -5, 5);
        for (var i = 0; i < count; i += 7) x[i] = i % 2 == 0 ? -3f : 3f;
        return x;
    }

    [Fact]
    public void Forward_matches_reference()
    {
        var shape = RandomShape();
        var x = Inputs(Count(shape));
        var y = Poisoned(shape);
        HardSwish.Forward(Upload(x, shape), y);
        AssertClose(HardSwishReference.Forward(ToDouble(x)), y.ToArray(), 1e-6, "hardswish forward");
    }

    [Fact]
    public void Forward_in_place_matches_reference_and_propagates_nan()
    {
        int[] shape = [2, 3, 5, 7];
        var x = Inputs(Count(shape));
        x[3] = x[^2] = float.NaN;
        var t = Upload(x, shape);
        HardSwish.Forward(t, t);
        var values = t.ToArray();
        Assert.True(float.IsNaN(values[3]) && float.IsNaN(values[^2]), $"hardswish must keep NaN (as torch); {Replay}");
        values[3] = values[^2] = 0;
        x[3] = x[^2] = 0;
        AssertClose(HardSwishReference.Forward(ToDouble(x)), values, 1e-6, "hardswish forward in place");
    }

    [Fact]
    public void Backward_matches_reference_with_torchs_conventions_at_the_kinks()
    {
        var shape = RandomShape();
        var length = Count(shape);
        var (x, dy) = (Inputs(length), Uniform(length));
        x[length / 2] = float.NaN;
        var dx = Poisoned(shape);
        HardSwish.Backward(Upload(x, shape), Upload(dy, shape), dx);
        AssertClose(HardSwishReference.Backward(ToDouble(x), ToDouble(dy)), dx.ToArray(), 1e-6, "hardswish backward");
        // torch.nn.functional.hardswish's gradient at -3, 0 and 3 is -0.5, 0.5 and 1.5.
        var kinks = Poisoned(1, 1, 1, 3);
        HardSwish.Backward(Upload([-3f, 0f, 3f], 1, 1, 1, 3), Upload([1f, 1f, 1f], 1, 1, 1, 3), kinks);
        AssertClose([-0.5, 0.5, 1.5], kinks.ToArray(), 0, "hardswish backward at the kinks");
    }

    [Fact]
    public void Backward_into_the_output_gradient_matches_reference()
    {
        int[] shape = [3, 5, 47, 53];
        var length = Count(shape);
        var (x, dy) = (Inputs(length), Uniform(length));
        var gradient = Upload(dy, shape);
        HardSwish.Backward(Upload(x, shape), gradient, gradient);
        AssertClose(HardSwishReference.Backward(ToDouble(x), ToDouble(dy)), gradient.ToArray(), 1e-6, "hardswish backward in place, large");
    }

    [Fact]
    public void Backward_matches_finite_differences()
    {
        var shape = RandomShape();
        var length = Count(shape);
        // Continuous inputs: the kinks have probability zero.
        var (x, dy) = (Uniform(length, -5, 5), Uniform(length));
        var dx = Poisoned(shape);
        HardSwish.Backward(Upload(x, shape), Upload(dy, shape), dx);
        AssertGradient(HardSwishReference.Forward, ToDouble(x), ToDouble(dy), dx.ToArray(), "hardswish backward");
    }

    [Fact]
    public void Rejects_mismatched_shapes()
    {
        var x = Upload(Uniform(8), 1, 2, 2, 2);
        var ex = Assert.Throws<ShapeException>(() => HardSwish.Forward(x, Poisoned(1, 2, 2, 3)));
        Assert.Contains("[1, 2, 2, 2]", ex.Message);
        Assert.Contains("[1, 2, 2, 3]", ex.Message);
        ex = Assert.Throws<ShapeException>(() => HardSwish.Backward(x, Poisoned(1, 2, 2, 3), Poisoned(1, 2, 2, 2)));
        Assert.Contains("output gradient", ex.Message);
    }
}
