using DeepVis.Ops;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

public abstract class ClipTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : ClipTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : ClipTests(fixture, Implementation.Ilgpu);

    private int[] RandomShape() => [Between(1, 3), Between(1, 5), Between(1, 9), Between(1, 9)];

    private static int Count(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    /// <summary>ReLU6 on inputs around its range, hardtanh, and a one-sided clip.</summary>
    public static TheoryData<float, float> Bounds => new() { { 0f, 6f }, { -1f, 1f }, { -0.25f, 2.5f } };

    /// <summary>Inputs beyond both bounds, with some exactly on them (where the gradient is 0, as in PyTorch).</summary>
    private float[] Inputs(int count, float min, float max)
    {
        var margin = (max - min) / 2;
        var x = Uniform(count, min - margin, max + margin);
        for (var i = 0; i < count; i += 7) x[i] = i % 2 == 0 ? min : max;
        return x;
    }

    [Theory]
    [MemberData(nameof(Bounds))]
    public void Forward_matches_reference(float min, float max)
    {
        var shape = RandomShape();
        var x = Inputs(Count(shape), min, max);
        var y = Poisoned(shape);
        Clip.Forward(Upload(x, shape), y, min, max);
        AssertClose(ClipReference.Forward(ToDouble(x), min, max), y.ToArray(), 0, $"clip [{min}, {max}] forward");
    }

    [Fact]
    public void Forward_in_place_matches_reference_and_propagates_nan()
    {
        int[] shape = [2, 3, 5, 7];
        var x = Inputs(Count(shape), 0, 6);
        x[3] = float.NaN;
        x[Count(shape) - 2] = float.NaN;
        var t = Upload(x, shape);
        Clip.Forward(t, t, 0, 6);
        var values = t.ToArray();
        Assert.True(float.IsNaN(values[3]) && float.IsNaN(values[^2]), $"clip must keep NaN (as torch.clamp); {Replay}");
        values[3] = values[^2] = 0;
        x[3] = x[^2] = 0;
        AssertClose(ClipReference.Forward(ToDouble(x), 0, 6), values, 0, "relu6 forward in place");
    }

    [Theory]
    [InlineData(0f, 6f, ReluGradient.Standard)]
    [InlineData(-1f, 1f, ReluGradient.Standard)]
    [InlineData(0f, 6f, ReluGradient.PassThrough)]
    public void Backward_matches_reference(float min, float max, ReluGradient mode)
    {
        var shape = RandomShape();
        var length = Count(shape);
        var (x, dy) = (Inputs(length, min, max), Uniform(length));
        x[length / 2] = float.NaN;
        var dx = Poisoned(shape);
        Clip.BackwardInput(Upload(x, shape), Upload(dy, shape), dx, min, max, mode);
        AssertClose(ClipReference.Backward(ToDouble(x), ToDouble(dy), min, max, mode == ReluGradient.PassThrough),
            dx.ToArray(), 0, $"clip [{min}, {max}] backward ({mode})");
    }

    [Fact]
    public void Backward_into_the_output_gradient_matches_reference()
    {
        var shape = RandomShape();
        var length = Count(shape);
        var (x, dy) = (Inputs(length, 0, 6), Uniform(length));
        var gradient = Upload(dy, shape);
        Clip.BackwardInput(Upload(x, shape), gradient, gradient, 0, 6);
        AssertClose(ClipReference.Backward(ToDouble(x), ToDouble(dy), 0, 6, false), gradient.ToArray(), 0, "relu6 backward in place");
    }

    [Theory]
    [MemberData(nameof(Bounds))]
    public void Backward_matches_finite_differences(float min, float max)
    {
        var shape = RandomShape();
        var length = Count(shape);
        // Continuous inputs off the bounds: the kinks have probability zero.
        var margin = (max - min) / 2;
        var (x, dy) = (Uniform(length, min - margin, max + margin), Uniform(length));
        var dx = Poisoned(shape);
        Clip.BackwardInput(Upload(x, shape), Upload(dy, shape), dx, min, max);
        AssertGradient(v => ClipReference.Forward(v, min, max), ToDouble(x), ToDouble(dy), dx.ToArray(), $"clip [{min}, {max}] backward");
    }

    [Fact]
    public void Forward_and_backward_match_reference_on_large_tensors()
    {
        int[] shape = [3, 5, 47, 53];
        var length = Count(shape);
        var (x, dy) = (Inputs(length, 0, 6), Uniform(length));
        var (y, dx) = (Poisoned(shape), Poisoned(shape));
        var input = Upload(x, shape);
        Clip.Forward(input, y, 0, 6);
        Clip.BackwardInput(input, Upload(dy, shape), dx, 0, 6);
        AssertClose(ClipReference.Forward(ToDouble(x), 0, 6), y.ToArray(), 0, "relu6 forward, large");
        AssertClose(ClipReference.Backward(ToDouble(x), ToDouble(dy), 0, 6, false), dx.ToArray(), 0, "relu6 backward, large");
    }

    [Fact]
    public void Rejects_mismatched_shapes_and_bounds()
    {
        var x = Upload(Uniform(8), 1, 2, 2, 2);
        var ex = Assert.Throws<ShapeException>(() => Clip.Forward(x, Poisoned(1, 2, 2, 3), 0, 6));
        Assert.Contains("[1, 2, 2, 2]", ex.Message);
        Assert.Contains("[1, 2, 2, 3]", ex.Message);
        ex = Assert.Throws<ShapeException>(() => Clip.BackwardInput(x, Poisoned(1, 2, 2, 3), Poisoned(1, 2, 2, 2), 0, 6));
        Assert.Contains("output gradient", ex.Message);
        var bounds = Assert.Throws<ArgumentException>(() => Clip.Forward(x, Poisoned(1, 2, 2, 2), 6, 0));
        Assert.Contains("min", bounds.Message);
        Assert.Throws<ArgumentException>(() => Clip.Forward(x, Poisoned(1, 2, 2, 2), float.NaN, 1));
    }
}
