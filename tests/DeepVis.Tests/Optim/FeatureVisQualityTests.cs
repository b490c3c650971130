using DeepVis.Optim.Quality;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Optim;

public sealed class FeatureVisQualityTests(DeviceFixture fixture)
{
    private static float[] Image(int size, Func<int, int, double> pixel) =>
        [.. Enumerable.Range(0, size * size).Select(i => (float)pixel(i / size, i % size))];

    [Fact]
    public void A_checkerboard_is_all_high_frequency_and_a_slow_wave_none()
    {
        var board = Image(16, (y, x) => (x + y) % 2 == 0 ? 1 : 0);
        var wave = Image(16, (y, x) => 0.5 + 0.4 * Math.Cos(2 * Math.PI * x / 16));
        // Energy at 0.25 and 0.125 cycles per pixel on both axes: exactly at and below the line, so nothing above it.
        var mixed = Image(16, (y, x) => 0.5 + 0.2 * Math.Cos(2 * Math.PI * 3 * x / 8) + 0.2 * Math.Cos(2 * Math.PI * y / 8));
        var shares = FeatureVisQuality.HighFrequencyShare(fixture.Device, [.. board, .. wave, .. mixed], [3, 1, 16, 16]);
        Assert.Equal(1, shares[0], 5);
        Assert.Equal(0, shares[1], 5);
        // 3/8 cycles per pixel is above a quarter: half the (mean-free) energy.
        Assert.Equal(0.5, shares[2], 4);
    }
}
