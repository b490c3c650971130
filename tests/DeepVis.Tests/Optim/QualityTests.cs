using DeepVis.Optim.Quality;
using DeepVis.Tests.Reference;

namespace DeepVis.Tests.Optim;

/// <summary>PSNR and SSIM on host pixel arrays: hand-computed cases and an independent SSIM reference.</summary>
public sealed class QualityTests
{
    private static float[] Random(int count, int seed, double low = 0, double high = 1)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(low + (high - low) * rng.NextDouble())).ToArray();
    }

    private static float[] AddNoise(float[] x, double std, int seed)
    {
        var rng = new Random(seed);
        return Array.ConvertAll(x, v => (float)(v + std * (rng.NextDouble() * 2 - 1) * Math.Sqrt(3)));
    }

    [Fact]
    public void Psnr_of_identical_images_is_infinite()
    {
        var x = Random(3 * 20 * 20, 1);
        Assert.Equal(double.PositiveInfinity, Psnr.Compute(x, (float[])x.Clone()));
    }

    [Theory]
    [InlineData(0.1, 1.0)] // 10 log10(1 / 0.01) = 20 dB
    [InlineData(0.01, 1.0)] // 40 dB
    [InlineData(5.0, 255.0)] // 10 log10(255^2 / 25) = 34.15 dB
    public void Psnr_of_a_constant_offset_is_10_log10_of_range_squared_over_offset_squared(double offset, double range)
    {
        var x = Random(28 * 28, 2, 0, range);
        var y = Array.ConvertAll(x, v => (float)(v + offset));
        var mse = x.Zip(y, (a, b) => ((double)a - b) * ((double)a - b)).Average(); // the float offset, exactly as stored
        Assert.Equal(10 * Math.Log10(range * range / mse), Psnr.Compute(x, y, range), 9);
        Assert.Equal(10 * Math.Log10(range * range / (offset * offset)), Psnr.Compute(x, y, range), 3);
    }

    [Fact]
    public void Psnr_when_half_the_pixels_are_off_by_a_fifth()
    {
        var x = new float[100];
        var y = Enumerable.Range(0, 100).Select(i => i % 2 == 0 ? 0.2f : 0f).ToArray();
        // mse = 0.5 * 0.04 = 0.02: 10 log10(50) = 16.99 dB
        Assert.Equal(10 * Math.Log10(50), Psnr.Compute(x, y), 5);
    }

    [Fact]
    public void Ssim_of_an_image_with_itself_is_one()
    {
        var x = Random(3 * 24 * 19, 3);
        Assert.Equal(1.0, Ssim.Compute(x, (float[])x.Clone(), 3, 24, 19), 12);
    }

    [Fact]
    public void Ssim_of_constant_images_is_the_luminance_term()
    {
        // No variance anywhere: SSIM = (2ab + C1) / (a^2 + b^2 + C1), C1 = (0.01 * range)^2.
        var (a, b) = (0.3f, 0.7f);
        var x = Enumerable.Repeat(a, 16 * 16).ToArray();
        var y = Enumerable.Repeat(b, 16 * 16).ToArray();
        const double c1 = 0.0001;
        Assert.Equal((2.0 * a * b + c1) / ((double)a * a + (double)b * b + c1), Ssim.Compute(x, y, 1, 16, 16), 9);
    }

    [Fact]
    public void Ssim_falls_as_noise_grows()
    {
        var x = Random(28 * 28, 4);
        var scores = new[] { 0.02, 0.1, 0.3 }.Select(std => Ssim.Compute(x, AddNoise(x, std, 5), 1, 28, 28)).ToArray();
        Assert.True(scores[0] < 1 && scores[0] > scores[1] && scores[1] > scores[2], $"ssim by noise: {string.Join(", ", scores)}");
    }

    [Fact]
    public void Ssim_is_symmetric()
    {
        var x = Random(2 * 17 * 23, 6);
        var y = AddNoise(x, 0.2, 7);
        Assert.Equal(Ssim.Compute(x, y, 2, 17, 23), Ssim.Compute(y, x, 2, 17, 23), 12);
    }

    [Theory]
    [InlineData(1, 28, 28, 1.0)]
    [InlineData(3, 13, 21, 1.0)]
    [InlineData(2, 11, 11, 255.0)] // exactly one window position
    public void Ssim_matches_the_direct_reference(int channels, int height, int width, double range)
    {
        var x = Random(channels * height * width, 8, 0, range);
        var y = AddNoise(x, 0.15 * range, 9);
        Assert.Equal(SsimReference.Compute(x, y, channels, height, width, range), Ssim.Compute(x, y, channels, height, width, range), 9);
    }

    [Fact]
    public void Ssim_of_an_image_smaller_than_the_window_uses_the_largest_odd_window_that_fits()
    {
        var x = Random(8 * 9, 10);
        var y = AddNoise(x, 0.1, 11);
        Assert.Equal(SsimReference.Compute(x, y, 1, 8, 9, 1, size: 7), Ssim.Compute(x, y, 1, 8, 9), 9);
    }

    [Fact]
    public void Rejects_images_of_different_sizes()
    {
        Assert.Contains("psnr", Assert.Throws<ArgumentException>(() => Psnr.Compute(new float[4], new float[5])).Message);
        Assert.Contains("ssim", Assert.Throws<ArgumentException>(() => Ssim.Compute(new float[4], new float[4], 1, 2, 3)).Message);
    }
}
