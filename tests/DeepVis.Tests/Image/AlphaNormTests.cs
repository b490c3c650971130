using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Image;

public abstract class AlphaNormTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : AlphaNormTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : AlphaNormTests(fixture, Implementation.Ilgpu);

    [Theory]
    [InlineData(2, 3, 37, 41, 6.0)] // more elements than one group's stride
    [InlineData(3, 1, 1, 1, 6.0)] // a single element per image
    [InlineData(4, 3, 5, 7, 2.5)]
    [InlineData(2, 2, 9, 3, 1.0)]
    public void Value_matches_reference(int n, int c, int h, int w, double alpha)
    {
        int[] shape = [n, c, h, w];
        var x = Uniform(shape.Aggregate(1, (a, b) => a * b), -2, 2);
        var value = Poisoned(n);
        AlphaNorm.Value(Upload(x, shape), value, (float)alpha);
        AssertClose(AlphaNormReference.Value(ToDouble(x), n, alpha), value.ToArray(), 1e-5, $"alpha norm {Tensor.Format(shape)} alpha={alpha}");
    }

    [Theory]
    [InlineData(6.0)]
    [InlineData(2.5)]
    [InlineData(1.0)]
    public void AddGradient_matches_reference(double alpha)
    {
        int[] shape = [Between(2, 3), Between(1, 3), Between(1, 13) | 1, Between(1, 13) | 1];
        var length = shape.Aggregate(1, (a, b) => a * b);
        var (x, grad) = (Uniform(length, -2, 2), Uniform(length));
        var scale = 0.1 + Rng.NextDouble();
        var g = Upload(grad, shape);
        AlphaNorm.AddGradient(Upload(x, shape), g, (float)scale, (float)alpha);
        AssertClose(AlphaNormReference.AddGradient(ToDouble(x), ToDouble(grad), scale, alpha), g.ToArray(), 1e-5,
            $"alpha norm gradient {Tensor.Format(shape)} alpha={alpha}");
    }

    [Theory]
    [InlineData(6.0)]
    [InlineData(1.0)]
    public void AddGradient_matches_reference_on_a_large_batch_with_zeros(double alpha)
    {
        // Several chunks of CPU work; exact zeros add nothing, also for alpha = 1 where |0|^0 would be 1.
        int[] shape = [2, 3, 61, 53];
        var length = shape.Aggregate(1, (a, b) => a * b);
        var (x, grad) = (Uniform(length, -2, 2), Uniform(length));
        for (var i = 0; i < length; i += Between(1, 9)) x[i] = 0f;
        var g = Upload(grad, shape);
        AlphaNorm.AddGradient(Upload(x, shape), g, 0.7f, (float)alpha);
        AssertClose(AlphaNormReference.AddGradient(ToDouble(x), ToDouble(grad), 0.7f, alpha), g.ToArray(), 1e-5,
            $"alpha norm gradient alpha={alpha} with zeros");
    }

    [Theory]
    [InlineData(6.0)]
    [InlineData(2.5)]
    public void AddGradient_matches_finite_differences(double alpha)
    {
        int[] shape = [Between(2, 3), Between(1, 3), Between(1, 9) | 1, Between(1, 9) | 1];
        var x = Uniform(shape.Aggregate(1, (a, b) => a * b), -1.5, 1.5);
        var grad = Track(Tensor.Zeros(Device, shape));
        AlphaNorm.AddGradient(Upload(x, shape), grad, 1f, (float)alpha);
        AssertGradient(v => AlphaNormReference.Value(v, shape[0], alpha), ToDouble(x), Enumerable.Repeat(1.0, shape[0]).ToArray(),
            grad.ToArray(), $"alpha norm gradient alpha={alpha}");
    }

    [Fact]
    public void Rejects_alpha_below_one()
    {
        var ex = Assert.Throws<ArgumentException>(() => AlphaNorm.Value(Upload(Uniform(4), 1, 1, 2, 2), Poisoned(1), 0.5f));
        Assert.Contains("alpha must be a finite number >= 1", ex.Message);
        Assert.Contains("0.5", ex.Message);
    }

    [Fact]
    public void Rejects_mismatched_gradient_shape()
    {
        var ex = Assert.Throws<ShapeException>(() =>
            AlphaNorm.AddGradient(Upload(Uniform(8), 2, 1, 2, 2), Upload(Uniform(12), 2, 1, 2, 3), 1f, 6f));
        Assert.Contains("alpha norm gradient", ex.Message);
        Assert.Contains("[2, 1, 2, 3]", ex.Message);
    }
}
