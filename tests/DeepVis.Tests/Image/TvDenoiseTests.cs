using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Image;

public abstract class TvDenoiseTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : TvDenoiseTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : TvDenoiseTests(fixture, Implementation.Ilgpu);

    private static int Length(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    [Theory]
    [InlineData(0.05f, 1, 1)]
    [InlineData(0.1f, 5, 2)]
    [InlineData(0.3f, 8, 3)]
    [InlineData(1.0f, 4, 1)]
    public void Apply_matches_reference(float weight, int iterations, int sweeps)
    {
        int[] shape = [Between(2, 3), Between(1, 3), 2 * Between(1, 6) + 1, 2 * Between(1, 6) + 1];
        var f = Uniform(Length(shape), 0, 1);
        var u = Poisoned(shape);
        using var buffers = new TvDenoise.Buffers(Device, shape);
        TvDenoise.Apply(Upload(f, shape), u, buffers, weight, iterations, sweeps);
        AssertClose(TvDenoiseReference.Apply(ToDouble(f), shape, weight, iterations, sweeps), u.ToArray(), 1e-5,
            $"tv denoise weight {weight}, {iterations} x {sweeps} on {Tensor.Format(shape)}");
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 6)]
    [InlineData(5, 1)]
    [InlineData(2, 2)]
    public void Apply_matches_reference_on_thin_images(int height, int width)
    {
        int[] shape = [2, 2, height, width];
        var f = Uniform(Length(shape), 0, 1);
        var u = Poisoned(shape);
        using var buffers = new TvDenoise.Buffers(Device, shape);
        TvDenoise.Apply(Upload(f, shape), u, buffers, 0.2f, 6, 2);
        AssertClose(TvDenoiseReference.Apply(ToDouble(f), shape, 0.2, 6, 2), u.ToArray(), 1e-5, $"tv denoise on {Tensor.Format(shape)}");
    }

    [Fact]
    public void Leaves_a_constant_image_unchanged()
    {
        int[] shape = [2, 3, 9, 12];
        var value = (float)Rng.NextDouble();
        var f = Enumerable.Repeat(value, Length(shape)).ToArray();
        var u = Poisoned(shape);
        using var buffers = new TvDenoise.Buffers(Device, shape);
        TvDenoise.Apply(Upload(f, shape), u, buffers, 0.2f);
        AssertClose(ToDouble(f), u.ToArray(), 1e-6, $"tv denoise of the constant {value}");
    }

    [Fact]
    public void Reduces_the_total_variation_of_a_noisy_image_and_moves_it_towards_the_clean_one()
    {
        // A bright square on a dark background with noise of std 0.1, per image of a batch of two.
        int[] shape = [2, 1, 24, 24];
        var clean = new double[Length(shape)];
        for (var i = 0; i < clean.Length; i++) clean[i] = i % 24 is >= 6 and < 18 && i / 24 % 24 is >= 6 and < 18 ? 0.8 : 0.2;
        var noisy = clean.Select(v => (float)(v + 0.1 * Gaussian())).ToArray();
        var u = Poisoned(shape);
        using var buffers = new TvDenoise.Buffers(Device, shape);
        TvDenoise.Apply(Upload(noisy, shape), u, buffers, 0.1f);
        var denoised = u.ToArray();

        var (before, after) = (TvDenoiseReference.IsotropicTv(ToDouble(noisy), shape), TvDenoiseReference.IsotropicTv(ToDouble(denoised), shape));
        var cleanTv = TvDenoiseReference.IsotropicTv(clean, shape);
        double Error(float[] y, int n) => Math.Sqrt(Enumerable.Range(n * 576, 576).Average(i => (y[i] - clean[i]) * (y[i] - clean[i])));
        for (var n = 0; n < 2; n++)
        {
            Assert.True(after[n] < 0.4 * before[n], $"image {n}: TV {before[n]:F2} -> {after[n]:F2} (clean {cleanTv[n]:F2}); {Replay}");
            Assert.True(Error(denoised, n) < 0.6 * Error(noisy, n),
                $"image {n}: rms error to the clean image {Error(noisy, n):F4} -> {Error(denoised, n):F4}; {Replay}");
        }
    }

    [Theory]
    [InlineData(0f, 1, 1, "weight")]
    [InlineData(float.PositiveInfinity, 1, 1, "weight")]
    [InlineData(0.1f, 0, 1, "iterations")]
    [InlineData(0.1f, 1, 0, "sweeps")]
    public void Rejects_bad_arguments(float weight, int iterations, int sweeps, string name)
    {
        int[] shape = [1, 1, 4, 4];
        using var buffers = new TvDenoise.Buffers(Device, shape);
        var ex = Assert.Throws<ArgumentException>(() =>
            TvDenoise.Apply(Upload(Uniform(16), shape), Poisoned(shape), buffers, weight, iterations, sweeps));
        Assert.Contains(name, ex.Message);
    }

    [Fact]
    public void Rejects_buffers_of_another_shape_and_an_output_that_is_the_input()
    {
        var f = Upload(Uniform(32), 2, 1, 4, 4);
        using var small = new TvDenoise.Buffers(Device, 1, 1, 4, 4);
        var ex = Assert.Throws<ShapeException>(() => TvDenoise.Apply(f, Poisoned(2, 1, 4, 4), small, 0.1f));
        Assert.Contains("buffers", ex.Message);
        using var buffers = new TvDenoise.Buffers(Device, 2, 1, 4, 4);
        Assert.Throws<ArgumentException>(() => TvDenoise.Apply(f, f, buffers, 0.1f));
    }

    private double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - Rng.NextDouble())) * Math.Cos(2 * Math.PI * Rng.NextDouble());
}
