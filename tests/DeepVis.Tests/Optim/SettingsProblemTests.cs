using DeepVis.Nets;
using DeepVis.Optim;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Optim;

/// <summary>
/// A settings record out of its range is a <see cref="SettingsException"/> naming the setting, before any
/// work: what a library caller passes is refused as the command line's options are, not by a kernel's guard.
/// </summary>
public sealed class SettingsProblemTests(DeviceFixture fixture)
{
    public static TheoryData<ClassSettings, string> BadClassSettings() => new()
    {
        { new ClassSettings { Octaves = [] }, "expected at least one octave" },
        { new ClassSettings { Octaves = [new Octave(1f, 0, 0.5f, 0.2f)] }, "octave 1: iterations must be at least 1, got 0" },
        { new ClassSettings { StepSize = float.NaN }, "class step size must be above 0, got NaN" },
        { new ClassSettings { L2 = -1 }, "L2 penalty must be at least 0, got -1" },
        { new ClassSettings { Jitter = -2 }, "jitter must be at least 0 pixels, got -2" },
        { new ClassSettings { Background = [1f, 2f, 0f] }, "background must be 3 values R,G,B in 0..1, got 1,2,0" },
        { new ClassSettings { Bilateral = new BilateralSettings(1f, 0f, 10) }, "bilateral filter: sigmas must be above 0" },
        { new ClassSettings { TvDenoise = new TvDenoiseSettings(0.02f, 0) }, "TV denoising: the weight must be above 0 and the interval at least 1 step" },
    };

    [Theory]
    [MemberData(nameof(BadClassSettings))]
    public void Class_settings_out_of_range_are_refused(ClassSettings settings, string message)
    {
        using var network = Network.Build(fixture.Device, TestWeights.MiniVgg());
        var refused = Assert.Throws<SettingsException>(() => ClassVisualization.Run(network, [1], settings, new Random(0)));
        Assert.Contains(message, refused.Message);
        Assert.Null(new ClassSettings().Problem());
    }

    [Theory]
    [InlineData(0, 1f, 0f, 0.5f, "filter iterations must be at least 1, got 0")]
    [InlineData(5, 0f, 0f, 0.5f, "filter step must be above 0, got 0")]
    [InlineData(5, 1f, 1f, 0.5f, "filter decay must be at least 0 and below 1, got 1")]
    [InlineData(5, 1f, 0f, -1f, "filter blur sigma must be at least 0 (0: no blur), got -1")]
    public void Filter_settings_out_of_range_are_refused(int iterations, float step, float decay, float sigma, string message)
    {
        using var network = Network.Build(fixture.Device, TestWeights.MiniVgg());
        var settings = new FilterSettings(28, iterations, step, decay, 4, sigma);
        var refused = Assert.Throws<SettingsException>(() => FilterMaximization.Run(network, network.Resolve("conv1_1"), [0], 1, settings, new Random(0)));
        Assert.Equal(message, refused.Message);
        Assert.Null(FilterSettings.Defaults(network.Info, 28).Problem());
    }

    [Theory]
    [InlineData(0, 1f, 1, "dream iterations must be at least 1, got 0")]
    [InlineData(3, float.NaN, 1, "dream step must be above 0, got NaN")]
    [InlineData(3, 1f, -1, "dream jitter must be at least 0 pixels, got -1")]
    public void Dream_settings_out_of_range_are_refused(int iterations, float step, int jitter, string message)
    {
        using var network = Network.Build(fixture.Device, TestWeights.MiniVgg());
        var refused = Assert.Throws<SettingsException>(() => DeepDream.Run(network, [network.Resolve("conv1_1")], new float[28 * 28], [(28, 28)],
            new DreamSettings(iterations, step, jitter), new Random(0)));
        Assert.Equal(message, refused.Message);
    }
}
