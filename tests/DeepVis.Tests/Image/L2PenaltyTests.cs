using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Image;

public abstract class L2PenaltyTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : L2PenaltyTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : L2PenaltyTests(fixture, Implementation.Ilgpu);

    [Theory]
    [InlineData(2, 3, 37, 41)]
    [InlineData(3, 1, 1, 1)]
    [InlineData(4, 3, 5, 7)]
    public void Value_matches_reference(int n, int c, int h, int w)
    {
        int[] shape = [n, c, h, w];
        var x = Uniform(shape.Aggregate(1, (a, b) => a * b));
        var lambda = 0.1 + Rng.NextDouble();
        var value = Poisoned(n);
        L2Penalty.Value(Upload(x, shape), Poisoned(n, ImageStats.Count), (float)lambda, value);
        AssertClose(L2PenaltyReference.Value(ToDouble(x), n, lambda), value.ToArray(), 1e-5, $"l2 penalty value {Tensor.Format(shape)}");
    }

    [Fact]
    public void Value_from_existing_stats_matches_reference()
    {
        int[] shape = [Between(2, 4), Between(1, 3), Between(1, 11) | 1, Between(1, 11) | 1];
        var x = Uniform(shape.Aggregate(1, (a, b) => a * b));
        var stats = Poisoned(shape[0], ImageStats.Count);
        ImageStats.Compute(Upload(x, shape), stats);
        var value = Poisoned(shape[0]);
        L2Penalty.Value(stats, 0.25f, value);
        AssertClose(L2PenaltyReference.Value(ToDouble(x), shape[0], 0.25), value.ToArray(), 1e-5, "l2 penalty value from stats");
    }

    [Fact]
    public void AddGradient_matches_reference()
    {
        int[] shape = [Between(2, 3), 3, Between(1, 13) | 1, Between(1, 13) | 1];
        var length = shape.Aggregate(1, (a, b) => a * b);
        var (x, grad) = (Uniform(length), Uniform(length));
        var lambda = 0.1 + Rng.NextDouble();
        var g = Upload(grad, shape);
        L2Penalty.AddGradient(Upload(x, shape), g, (float)lambda);
        AssertClose(L2PenaltyReference.AddGradient(ToDouble(x), ToDouble(grad), lambda), g.ToArray(), 1e-6, "l2 penalty gradient");
    }

    [Fact]
    public void AddGradient_matches_finite_differences()
    {
        int[] shape = [Between(2, 3), Between(1, 3), Between(1, 9) | 1, Between(1, 9) | 1];
        var x = Uniform(shape.Aggregate(1, (a, b) => a * b));
        var lambda = 0.1 + Rng.NextDouble();
        var grad = Track(Tensor.Zeros(Device, shape));
        L2Penalty.AddGradient(Upload(x, shape), grad, (float)lambda);
        var dy = Enumerable.Repeat(1.0, shape[0]).ToArray();
        AssertGradient(v => L2PenaltyReference.Value(v, shape[0], lambda), ToDouble(x), dy, grad.ToArray(), "l2 penalty gradient");
    }

    [Fact]
    public void Decay_matches_reference()
    {
        int[] shape = [Between(2, 3), 3, Between(1, 13) | 1, Between(1, 13) | 1];
        var x = Uniform(shape.Aggregate(1, (a, b) => a * b));
        var factor = Rng.NextDouble() * 0.5;
        var t = Upload(x, shape);
        L2Penalty.Decay(t, (float)factor);
        AssertClose(L2PenaltyReference.Decay(ToDouble(x), factor), t.ToArray(), 1e-6, "l2 decay");
    }

    [Fact]
    public void AddGradient_and_decay_match_reference_on_a_large_batch()
    {
        int[] shape = [2, 3, 61, 53]; // several chunks of CPU work
        var length = shape.Aggregate(1, (a, b) => a * b);
        var (x, grad) = (Uniform(length), Uniform(length));
        var (g, t) = (Upload(grad, shape), Upload(x, shape));
        L2Penalty.AddGradient(t, g, 0.3f);
        AssertClose(L2PenaltyReference.AddGradient(ToDouble(x), ToDouble(grad), 0.3f), g.ToArray(), 1e-6, "l2 penalty gradient");
        L2Penalty.Decay(t, 0.2f);
        AssertClose(L2PenaltyReference.Decay(ToDouble(x), 0.2f), t.ToArray(), 1e-6, "l2 decay");
    }

    [Fact]
    public void Rejects_mismatched_gradient_shape()
    {
        var ex = Assert.Throws<ShapeException>(() =>
            L2Penalty.AddGradient(Upload(Uniform(8), 2, 1, 2, 2), Upload(Uniform(12), 2, 1, 2, 3), 1f));
        Assert.Contains("l2 penalty gradient", ex.Message);
        Assert.Contains("[2, 1, 2, 2]", ex.Message);
        Assert.Contains("[2, 1, 2, 3]", ex.Message);
    }

    [Fact]
    public void Rejects_value_of_another_batch()
    {
        var ex = Assert.Throws<ShapeException>(() =>
            L2Penalty.Value(Upload(Uniform(8), 2, 1, 2, 2), Poisoned(2, 3), 1f, Poisoned(3)));
        Assert.Contains("l2 penalty value", ex.Message);
        Assert.Contains("[2]", ex.Message);
        Assert.Contains("[3]", ex.Message);
    }

    [Fact]
    public void Rejects_decay_factor_outside_unit_interval()
    {
        var ex = Assert.Throws<ArgumentException>(() => L2Penalty.Decay(Upload(Uniform(4), 1, 1, 2, 2), 1.5f));
        Assert.Contains("factor must lie in [0, 1]", ex.Message);
        Assert.Contains("1.5", ex.Message);
    }
}
