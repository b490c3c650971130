using DeepVis.Ops;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

public abstract class HardSigmoidTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : HardSigmoidTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : HardSigmoidTests(fixture, Implementation.Ilgpu);

    private int[] RandomShape() => [Between(1, 3), Between(1, 5), Between(1, 9), Between(1, 9)];

    private static int Count(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    /// <summary>PyTorch's slope and offset (as exported), ONNX's defaults, and a falling gate.</summary>
    public static TheoryData<float, float> Settings => new() { { 1f / 6f, 0.5f }, { 0.2f, 0.5f }, { -0.75f, 0.25f } };

    /// <summary>Inputs beyond both kinks, with some exactly on them where the torch slope makes them exact (x = -3 and 3).</summary>
    private float[] Inputs(int count, float alpha)
    {
        var x = Uniform(count, -5, 5);
        if (alpha == 1f / 6f)
            for (var i = 0; i < count; i += 7) x[i] = i % 2 == 0 ? -3f : 3f;
        return x;
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Forward_matches_reference(float alpha, float beta)
    {
        var shape = RandomShape();
        var x = Inputs(Count(shape), alpha);
        var y = Poisoned(shape);
        HardSigmoid.Forward(Upload(x, shape), y, alpha, beta);
        AssertClose(HardSigmoidReference.Forward(ToDouble(x), alpha, beta), y.ToArray(), 1e-6, $"hardsigmoid ({alpha}, {beta}) forward");
    }

    [Fact]
    public void Forward_in_place_matches_reference_and_propagates_nan()
    {
        int[] shape = [2, 3, 5, 7];
        var x = Inputs(Count(shape), HardSigmoid.TorchAlpha);
        x[3] = x[^2] = float.NaN;
        var t = Upload(x, shape);
        HardSigmoid.Forward(t, t);
        var values = t.ToArray();
        Assert.True(float.IsNaN(values[3]) && float.IsNaN(values[^2]), $"hardsigmoid must keep NaN (as torch); {Replay}");
        values[3] = values[^2] = 0.5f;
        x[3] = x[^2] = 0;
        AssertClose(HardSigmoidReference.Forward(ToDouble(x), HardSigmoid.TorchAlpha, HardSigmoid.TorchBeta), values, 1e-6, "hardsigmoid forward in place");
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Backward_matches_reference(float alpha, float beta)
    {
        var shape = RandomShape();
        var length = Count(shape);
        var (x, dy) = (Inputs(length, alpha), Uniform(length));
        x[length / 2] = float.NaN;
        var dx = Poisoned(shape);
        HardSigmoid.Backward(Upload(x, shape), Upload(dy, shape), dx, alpha, beta);
        AssertClose(HardSigmoidReference.Backward(ToDouble(x), ToDouble(dy), alpha, beta), dx.ToArray(), 1e-6, $"hardsigmoid ({alpha}, {beta}) backward");
    }

    [Fact]
    public void Backward_into_the_output_gradient_matches_reference()
    {
        int[] shape = [3, 5, 47, 53];
        var length = Count(shape);
        var (x, dy) = (Inputs(length, HardSigmoid.TorchAlpha), Uniform(length));
        var gradient = Upload(dy, shape);
        HardSigmoid.Backward(Upload(x, shape), gradient, gradient);
        AssertClose(HardSigmoidReference.Backward(ToDouble(x), ToDouble(dy), HardSigmoid.TorchAlpha, HardSigmoid.TorchBeta),
            gradient.ToArray(), 1e-6, "hardsigmoid backward in place, large");
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Backward_matches_finite_differences(float alpha, float beta)
    {
        var shape = RandomShape();
        var length = Count(shape);
        // Continuous inputs: the kinks have probability zero.
        var (x, dy) = (Uniform(length, -5, 5), Uniform(length));
        var dx = Poisoned(shape);
        HardSigmoid.Backward(Upload(x, shape), Upload(dy, shape), dx, alpha, beta);
        AssertGradient(v => HardSigmoidReference.Forward(v, alpha, beta), ToDouble(x), ToDouble(dy), dx.ToArray(), $"hardsigmoid ({alpha}, {beta}) backward");
    }

    [Fact]
    public void Rejects_mismatched_shapes_and_settings()
    {
        var x = Upload(Uniform(8), 1, 2, 2, 2);
        var ex = Assert.Throws<ShapeException>(() => HardSigmoid.Forward(x, Poisoned(1, 2, 2, 3)));
        Assert.Contains("[1, 2, 2, 2]", ex.Message);
        Assert.Contains("[1, 2, 2, 3]", ex.Message);
        ex = Assert.Throws<ShapeException>(() => HardSigmoid.Backward(x, Poisoned(1, 2, 2, 3), Poisoned(1, 2, 2, 2)));
        Assert.Contains("output gradient", ex.Message);
        Assert.Throws<ArgumentException>(() => HardSigmoid.Forward(x, Poisoned(1, 2, 2, 2), float.NaN, 0.5f));
        Assert.Throws<ArgumentException>(() => HardSigmoid.Backward(x, Poisoned(1, 2, 2, 2), Poisoned(1, 2, 2, 2), 0.2f, float.PositiveInfinity));
    }
}
