using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Image;

public abstract class TotalVariationTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : TotalVariationTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : TotalVariationTests(fixture, Implementation.Ilgpu);

    [Theory]
    [InlineData(2, 3, 37, 41, 2.0, 0.0)] // more elements than one group's stride
    [InlineData(2, 3, 37, 41, 1.5, 1e-6)]
    [InlineData(3, 1, 1, 1, 2.0, 0.0)] // single element: no difference at all, TV = epsilon
    [InlineData(3, 1, 1, 1, 1.5, 1e-3)]
    [InlineData(4, 3, 5, 7, 1.0, 1e-4)]
    [InlineData(2, 2, 7, 1, 3.0, 0.0)] // one column: only vertical differences
    [InlineData(2, 2, 1, 9, 2.0, 1e-2)] // one row: only horizontal differences
    public void Value_matches_reference(int n, int c, int h, int w, double beta, double epsilon)
    {
        int[] shape = [n, c, h, w];
        var x = Uniform(shape.Aggregate(1, (a, b) => a * b));
        var value = Poisoned(n);
        TotalVariation.Value(Upload(x, shape), value, (float)beta, (float)epsilon);
        AssertClose(TotalVariationReference.Value(ToDouble(x), shape, beta, (float)epsilon), value.ToArray(), 1e-5,
            $"total variation {Tensor.Format(shape)} beta={beta}");
    }

    [Theory]
    [InlineData(2.0, 0.0)]
    [InlineData(1.5, 1e-6)]
    public void Gradient_matches_reference(double beta, double epsilon)
    {
        foreach (var shape in Shapes())
        {
            var x = Uniform(shape.Aggregate(1, (a, b) => a * b));
            var dx = Poisoned(shape);
            TotalVariation.Gradient(Upload(x, shape), dx, (float)beta, (float)epsilon);
            AssertClose(TotalVariationReference.Gradient(ToDouble(x), shape, beta, (float)epsilon, Ones(shape[0])),
                dx.ToArray(), 1e-4, $"total variation gradient {Tensor.Format(shape)} beta={beta}");
        }
    }

    [Theory]
    [InlineData(2.0, 0.0)]
    [InlineData(1.5, 1e-6)]
    public void Gradient_matches_finite_differences(double beta, double epsilon)
    {
        int[] shape = [Between(2, 3), Between(1, 3), Between(1, 9) | 1, Between(1, 9) | 1];
        var x = Uniform(shape.Aggregate(1, (a, b) => a * b));
        var dx = Poisoned(shape);
        TotalVariation.Gradient(Upload(x, shape), dx, (float)beta, (float)epsilon);
        AssertGradient(v => TotalVariationReference.Value(v, shape, beta, (float)epsilon), ToDouble(x), Ones(shape[0]),
            dx.ToArray(), $"total variation gradient {Tensor.Format(shape)} beta={beta}");
    }

    [Fact]
    public void AddGradient_accumulates_scaled_gradient() =>
        AssertAddGradient([Between(2, 3), Between(1, 3), Between(2, 12) | 1, Between(2, 12) | 1], 1.5);

    [Theory]
    [InlineData(2.0)]
    [InlineData(1.5)]
    public void AddGradient_accumulates_scaled_gradient_on_wide_rows(double beta) =>
        AssertAddGradient([2, 3, Between(2, 9), Between(17, 40)], beta);

    private void AssertAddGradient(int[] shape, double beta)
    {
        var length = shape.Aggregate(1, (a, b) => a * b);
        var (x, grad) = (Uniform(length), Uniform(length));
        var scale = 0.1 + Rng.NextDouble();
        var g = Upload(grad, shape);
        TotalVariation.AddGradient(Upload(x, shape), g, (float)scale, (float)beta);
        var tv = TotalVariationReference.Gradient(ToDouble(x), shape, beta, TotalVariation.DefaultEpsilon,
            Enumerable.Repeat(scale, shape[0]).ToArray());
        AssertClose(tv.Select((v, i) => v + grad[i]).ToArray(), g.ToArray(), 1e-4,
            $"total variation accumulated gradient {Tensor.Format(shape)} beta={beta}");
    }

    [Fact]
    public void Rejects_non_image_input()
    {
        var ex = Assert.Throws<ShapeException>(() => TotalVariation.Value(Upload(Uniform(12), 2, 2, 3), Poisoned(2)));
        Assert.Contains("total variation input", ex.Message);
        Assert.Contains("[2, 2, 3]", ex.Message);
    }

    [Fact]
    public void Rejects_mismatched_gradient_shape()
    {
        var ex = Assert.Throws<ShapeException>(() =>
            TotalVariation.Gradient(Upload(Uniform(8), 2, 1, 2, 2), Poisoned(2, 1, 2, 3)));
        Assert.Contains("[2, 1, 2, 2]", ex.Message);
        Assert.Contains("[2, 1, 2, 3]", ex.Message);
    }

    [Fact]
    public void Rejects_beta_below_one()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            TotalVariation.Value(Upload(Uniform(8), 2, 1, 2, 2), Poisoned(2), 0.5f));
        Assert.Contains("beta must be a finite number >= 1", ex.Message);
    }

    [Fact]
    public void Rejects_zero_epsilon_below_beta_two()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            TotalVariation.Gradient(Upload(Uniform(8), 2, 1, 2, 2), Poisoned(2, 1, 2, 2), 1.5f, 0f));
        Assert.Contains("epsilon must be > 0 when beta < 2", ex.Message);
    }

    private IEnumerable<int[]> Shapes() =>
    [
        [2, 3, 37, 41],
        [3, 1, 1, 1],
        [2, 2, 1, 9],
        [2, 2, 7, 1],
        [Between(2, 4), Between(1, 3), Between(2, 12) | 1, Between(2, 12) | 1],
    ];

    private static double[] Ones(int n) => Enumerable.Repeat(1.0, n).ToArray();
}
