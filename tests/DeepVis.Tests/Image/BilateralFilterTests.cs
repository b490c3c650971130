using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Image;

public abstract class BilateralFilterTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : BilateralFilterTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : BilateralFilterTests(fixture, Implementation.Ilgpu);

    private static int Length(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    [Theory]
    [InlineData(1, 0.8f, 0.2f)]
    [InlineData(2, 1.0f, 0.5f)]
    [InlineData(2, 1.5f, 0.05f)]
    [InlineData(3, 1.5f, 1.0f)]
    [InlineData(4, 2.0f, 0.3f)]
    public void Forward_matches_reference(int radius, float sigmaSpace, float sigmaRange)
    {
        // Batch > 1, odd sizes just above the radius up to a few times it: every border case is in play.
        int[] shape = [Between(2, 3), Between(1, 3), 2 * Between(radius / 2 + 1, radius + 3) + 1, 2 * Between(radius / 2 + 1, radius + 3) + 1];
        var x = Uniform(Length(shape));
        var y = Poisoned(shape);
        BilateralFilter.Forward(Upload(x, shape), y, radius, sigmaSpace, sigmaRange);
        AssertClose(BilateralFilterReference.Forward(ToDouble(x), shape, radius, sigmaSpace, sigmaRange), y.ToArray(), 1e-5,
            $"bilateral r {radius} sigma_s {sigmaSpace} sigma_r {sigmaRange} on {Tensor.Format(shape)}");
    }

    [Theory]
    [InlineData(1, 2, 2)]
    [InlineData(2, 3, 7)]
    [InlineData(3, 4, 5)]
    public void Forward_matches_reference_when_the_radius_nearly_fills_the_image(int radius, int height, int width)
    {
        int[] shape = [2, 3, height, width];
        var x = Uniform(Length(shape));
        var y = Poisoned(shape);
        BilateralFilter.Forward(Upload(x, shape), y, radius, 1.2f, 0.4f);
        AssertClose(BilateralFilterReference.Forward(ToDouble(x), shape, radius, 1.2, 0.4), y.ToArray(), 1e-5,
            $"bilateral r {radius} on {Tensor.Format(shape)}");
    }

    [Theory]
    [InlineData(1, 0.8f, 0.2f)]
    [InlineData(2, 1.0f, 0.5f)]
    [InlineData(3, 1.5f, 0.1f)]
    public void Forward_matches_reference_on_larger_images(int radius, float sigmaSpace, float sigmaRange)
    {
        // Rows long enough for the CPU's eight-pixel loop, with border pixels on both sides.
        int[] shape = [2, 2, 13, 37];
        var x = Uniform(Length(shape));
        var y = Poisoned(shape);
        BilateralFilter.Forward(Upload(x, shape), y, radius, sigmaSpace, sigmaRange);
        AssertClose(BilateralFilterReference.Forward(ToDouble(x), shape, radius, sigmaSpace, sigmaRange), y.ToArray(), 1e-5,
            $"bilateral r {radius} sigma_s {sigmaSpace} sigma_r {sigmaRange} on {Tensor.Format(shape)}");
    }

    [Fact]
    public void Constant_image_stays_constant()
    {
        int[] shape = [2, 2, 9, 11];
        var value = (float)(Rng.NextDouble() * 4 - 2);
        var x = Enumerable.Repeat(value, Length(shape)).ToArray();
        var y = Poisoned(shape);
        BilateralFilter.Forward(Upload(x, shape), y, 2, 1f, 0.1f);
        AssertClose(ToDouble(x), y.ToArray(), 1e-6, $"bilateral of the constant {value}");
    }

    [Fact]
    public void Keeps_a_step_edge_that_a_gaussian_blur_of_the_same_width_smears_while_smoothing_the_noise()
    {
        // Two flat halves 0 and 1 with noise of std 0.05; sigma_range 0.15 is far below the step.
        int[] shape = [2, 1, 21, 21];
        var clean = new double[Length(shape)];
        for (var i = 0; i < clean.Length; i++) clean[i] = i % 21 >= 10 ? 1 : 0;
        var noisy = clean.Select(v => (float)(v + 0.05 * Gaussian())).ToArray();
        var x = Upload(noisy, shape);
        var (bilateral, blurred) = (Poisoned(shape), Poisoned(shape));
        BilateralFilter.Forward(x, bilateral, 3, 1.5f, 0.15f);
        GaussianBlur.Forward(x, Poisoned(shape), blurred, 7, 1.5f);
        var (b, g) = (bilateral.ToArray(), blurred.ToArray());

        // The edge: the mean jump between columns 9 and 10 stays near 1 for the bilateral filter.
        double Jump(float[] y) => Enumerable.Range(0, 2 * 21).Average(r => y[r * 21 + 10] - y[r * 21 + 9]);
        Assert.True(Jump(b) > 0.9, $"bilateral edge jump {Jump(b):F3}; {Replay}");
        Assert.True(Jump(g) < 0.5, $"gaussian edge jump {Jump(g):F3}; {Replay}");
        double Error(float[] y) => Math.Sqrt(clean.Select((v, i) => (y[i] - v) * (y[i] - v)).Average());
        Assert.True(Error(b) < 0.5 * Error(g), $"rms error to the clean step: bilateral {Error(b):F4}, gaussian {Error(g):F4}; {Replay}");

        // The noise: away from the edge the bilateral result is much flatter than the input.
        double FlatNoise(float[] y) => Math.Sqrt(Enumerable.Range(0, y.Length).Where(i => i % 21 is < 6 or > 14)
            .Average(i => (y[i] - clean[i]) * (y[i] - clean[i])));
        Assert.True(FlatNoise(b) < 0.5 * FlatNoise(noisy), $"flat-region noise {FlatNoise(noisy):F4} -> {FlatNoise(b):F4}; {Replay}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void Rejects_a_radius_that_does_not_fit(int radius)
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            BilateralFilter.Forward(Upload(Uniform(2 * 5 * 8), 1, 2, 5, 8), Poisoned(1, 2, 5, 8), radius, 1f, 0.1f));
        Assert.Contains($"got {radius}", ex.Message);
        Assert.Contains("[1, 2, 5, 8]", ex.Message);
    }

    [Theory]
    [InlineData(0f, 0.1f, "sigma_space")]
    [InlineData(1f, float.NaN, "sigma_range")]
    public void Rejects_bad_sigmas(float sigmaSpace, float sigmaRange, string name)
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            BilateralFilter.Forward(Upload(Uniform(25), 1, 1, 5, 5), Poisoned(1, 1, 5, 5), 1, sigmaSpace, sigmaRange));
        Assert.Contains(name, ex.Message);
    }

    [Fact]
    public void Rejects_an_output_that_is_the_input()
    {
        var x = Upload(Uniform(25), 1, 1, 5, 5);
        Assert.Throws<ArgumentException>(() => BilateralFilter.Forward(x, x, 1, 1f, 0.1f));
    }

    private double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - Rng.NextDouble())) * Math.Cos(2 * Math.PI * Rng.NextDouble());
}
