using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Nets.Weights;
using DeepVis.Optim;
using DeepVis.Optim.Objectives;
using DeepVis.Optim.Quality;
using DeepVis.Optim.Steps;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Optim;

/// <summary>
/// Feature inversion on the random mini-vgg (mean 0.5, std 0.25 on 0..1 pixels) with smooth 28x28
/// originals: measured losses and reconstruction quality. Iterations are kept small for the CPU accelerator.
/// </summary>
public sealed class InversionTests(DeviceFixture fixture) : IDisposable
{
    private readonly Network _network = Network.Build(fixture.Device, TestWeights.MiniVgg());

    /// <summary>A soft-edged disk on a horizontal ramp, centred at (row, column), as normalized input and as 0..1 pixels.</summary>
    private static (float[] Normalized, float[] Pixels) Disk(int row, int column)
    {
        var pixels = new float[28 * 28];
        for (var i = 0; i < 28; i++)
            for (var j = 0; j < 28; j++)
            {
                var r = Math.Sqrt((i - row) * (i - row) + (j - column) * (j - column));
                pixels[i * 28 + j] = (float)(0.15 + 0.6 / (1 + Math.Exp(r - 8)) + 0.2 * j / 27.0);
            }
        return (Array.ConvertAll(pixels, p => (p - 0.5f) / 0.25f), pixels);
    }

    private static float[] Pixels(float[] normalized, int n) =>
        normalized.Skip(n * 28 * 28).Take(28 * 28).Select(v => Math.Clamp(v * 0.25f + 0.5f, 0f, 1f)).ToArray();

    private InversionResult Invert(string layer, float[] originals, int batch, InversionSettings settings, Action<Progress>? progress = null) =>
        Inversion.Run(_network, originals, [batch, 1, 28, 28], _network.Resolve(layer), settings, new Random(1), progress);

    [Fact]
    public void Relative_feature_loss_falls_below_a_tenth_at_an_early_layer_for_every_image_of_a_batch()
    {
        var (a, b) = (Disk(12, 15), Disk(16, 10));
        var reports = new List<Progress>();
        var result = Invert("conv1_1", [.. a.Normalized, .. b.Normalized], 2, new InversionSettings { Iterations = 30 }, reports.Add);
        Assert.Equal([10, 20, 30], reports.Select(r => r.Step));
        for (var n = 0; n < 2; n++)
        {
            Assert.True(result.Loss[n] < 0.1f, $"image {n}: relative feature loss {result.Loss[n]}");
            Assert.True(result.Loss[n] < reports[0].Loss[n], $"image {n}: loss {reports[0].Loss[n]} at step 10, {result.Loss[n]} at the end");
        }
    }

    [Fact]
    public void An_early_layer_reconstructs_the_original_better_than_a_deep_one()
    {
        var original = Disk(12, 15);
        var settings = new InversionSettings { Iterations = 25 };
        var early = Psnr.Compute(original.Pixels, Pixels(Invert("conv1_1", original.Normalized, 1, settings).Images, 0));
        var deep = Psnr.Compute(original.Pixels, Pixels(Invert("fc1", original.Normalized, 1, settings).Images, 0));
        Assert.True(early > 20 && early > deep + 5, $"psnr from conv1_1 {early:F1} dB, from fc1 {deep:F1} dB");
    }

    [Fact]
    public void A_warm_started_frame_beats_a_cold_start_with_the_same_few_iterations()
    {
        var (first, next) = (Disk(12, 14), Disk(12, 16));
        var settings = new InversionSettings { Iterations = 30, WarmIterations = 5, Start = InversionStart.Mean };
        var layer = _network.Resolve("relu1_2");
        using var movie = new Inversion(_network, layer, [1, 1, 28, 28], settings);
        movie.Invert(first.Normalized, new Random(1));
        var warm = movie.Continue(next.Normalized, new Random(1));
        var cold = Inversion.Run(_network, next.Normalized, [1, 1, 28, 28], layer, settings with { Iterations = 5 }, new Random(1));
        Assert.True(warm.Loss[0] < 0.5f * cold.Loss[0], $"feature loss after 5 steps: warm {warm.Loss[0]}, cold {cold.Loss[0]}");
    }

    [Fact]
    public void The_priors_pull_the_image_their_way()
    {
        var original = Disk(12, 15).Normalized;
        var settings = new InversionSettings { Iterations = 12, Blur = [], ImageStdClip = 0 };
        var plain = Invert("relu1_2", original, 1, settings).Images;
        var alpha = Invert("relu1_2", original, 1, settings with { AlphaNormWeight = 1e-3f }).Images;
        var tv = Invert("relu1_2", original, 1, settings with { TvWeight = 1e-2f }).Images;
        static double AlphaNorm(float[] x) => x.Sum(v => Math.Pow(v, 6));
        static double Tv(float[] x) => Enumerable.Range(0, 28 * 27).Sum(k =>
        {
            var (i, j) = (k / 27, k % 27);
            return Math.Pow(x[i * 28 + j + 1] - x[i * 28 + j], 2) + Math.Pow(x[j * 28 + i] - x[(j + 1) * 28 + i], 2);
        });
        Assert.True(AlphaNorm(alpha) < 0.5 * AlphaNorm(plain), $"sum x^6: {AlphaNorm(plain):G4} plain, {AlphaNorm(alpha):G4} with the alpha-norm prior");
        Assert.True(Tv(tv) < 0.5 * Tv(plain), $"total variation: {Tv(plain):G4} plain, {Tv(tv):G4} with the TV prior");
    }

    private InversionSettings Preset(string name) => InversionPresets.For(name, _network.Info, 28, 28, [1, 16, 28, 28])!;

    [Fact]
    public void The_exact_preset_keeps_every_pixel_displayable()
    {
        var result = Invert("relu2_2", Disk(12, 15).Normalized, 1, Preset(InversionPresets.Exact) with { Iterations = 20 });
        Assert.All(result.Images, v => Assert.InRange(v * 0.25f + 0.5f, -1e-5f, 1 + 1e-5f));
    }

    [Fact]
    public void The_mahendran_priors_make_a_deep_layer_smoother_than_matching_the_features_alone()
    {
        var original = Disk(12, 15).Normalized;
        var mahendran = Preset(InversionPresets.Mahendran) with { Iterations = 60, Schedule = LearningRateSchedule.Constant };
        var priors = Invert("relu2_2", original, 1, mahendran).Images;
        var plain = Invert("relu2_2", original, 1, mahendran with { TvWeight = 0, AlphaNormWeight = 0 }).Images;
        static double Tv(float[] x) => Enumerable.Range(0, 28 * 27).Sum(k =>
        {
            var (i, j) = (k / 27, k % 27);
            return Math.Pow(x[i * 28 + j + 1] - x[i * 28 + j], 2) + Math.Pow(x[j * 28 + i] - x[(j + 1) * 28 + i], 2);
        });
        Assert.True(Tv(priors) < 0.5 * Tv(plain), $"total variation: {Tv(priors):G4} with the priors, {Tv(plain):G4} without");
    }

    /// <summary>
    /// On a 0..255 model without std division the mahendran preset must move pixels by the same share of
    /// the range as on a 0..1 model (it once stayed at the grey start there), and its TV weight must grow
    /// with the layer's downsampling past 2 while the alpha-norm weight stays.
    /// </summary>
    [Fact]
    public void The_mahendran_preset_scales_with_the_pixel_range_and_smooths_more_at_deeper_layers()
    {
        var unit = new ModelInfo("a", 3, [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f], 224, 10);
        var bytes = new ModelInfo("b", 3, [123.7f, 116.3f, 103.5f], [1f, 1f, 1f], 224, 10, "BGR", 255f);
        InversionSettings At(ModelInfo info, int side) =>
            InversionPresets.For(InversionPresets.Mahendran, info, 224, 224, [1, 64, side, side])!;
        var (a, b) = (At(unit, 112), At(bytes, 112));
        static float Range(ModelInfo info) => info.InputRange / info.Std.Average();
        Assert.Equal(a.LearningRate / Range(unit), b.LearningRate / Range(bytes), 1e-6f);
        Assert.Equal(a.NoiseStd / Range(unit), b.NoiseStd / Range(bytes), 1e-6f);
        Assert.Equal(At(unit, 224).TvWeight, a.TvWeight);
        Assert.Equal(16 * a.TvWeight, At(unit, 7).TvWeight, a.TvWeight * 1e-4f);
        Assert.Equal(a.AlphaNormWeight, At(unit, 7).AlphaNormWeight);
        Assert.Equal(112 * a.TvWeight, InversionPresets.For(InversionPresets.Mahendran, unit, 224, 224, [1, 1000])!.TvWeight, a.TvWeight * 1e-4f);
    }

    [Fact]
    public void Momentum_and_adam_lower_the_loss_and_start_afresh_on_every_run()
    {
        var (first, next) = (Disk(12, 14), Disk(12, 16));
        foreach (var optimizer in new[] { InversionOptimizer.Momentum, InversionOptimizer.Adam })
        {
            var settings = new InversionSettings
            {
                Iterations = 30, WarmIterations = 10, Optimizer = optimizer, LearningRate = 0.05f, Blur = [], GradientStdClip = 0, ImageStdClip = 0,
            };
            using var movie = new Inversion(_network, _network.Resolve("relu1_2"), [1, 1, 28, 28], settings);
            var start = movie.Invert(first.Normalized, new Random(1)).Loss[0];
            // A second fresh run from the same seed is the same run: nothing of the first run's momentum is left.
            Assert.Equal(start, movie.Invert(first.Normalized, new Random(1)).Loss[0]);
            var warm = movie.Continue(next.Normalized, new Random(1)).Loss[0];
            Assert.True(start < 0.2f && warm < 0.2f, $"{optimizer}: relative feature loss {start} on the first frame, {warm} on the next");
        }
    }

    [Fact]
    public void Restarts_keep_for_each_image_its_run_of_lowest_loss()
    {
        var (a, b) = (Disk(12, 15), Disk(16, 10));
        var settings = Preset(InversionPresets.Mahendran) with { Iterations = 15 };
        var once = Invert("relu2_2", [.. a.Normalized, .. b.Normalized], 2, settings);
        var reports = new List<Progress>();
        // The first of the restarts is the single run: both draw the same noise first.
        var best = Invert("relu2_2", [.. a.Normalized, .. b.Normalized], 2, settings with { Restarts = 3 }, reports.Add);
        Assert.Equal(3, reports.Count(r => r.Step == 15));
        for (var n = 0; n < 2; n++)
        {
            var finals = reports.Where(r => r.Step == 15).Select(r => r.Loss[n]).ToList();
            Assert.True(best.Loss[n] <= once.Loss[n], $"image {n}: loss {best.Loss[n]} after restarts, {once.Loss[n]} from one run");
            Assert.True(finals.Distinct().Count() == 3, $"image {n}: the restarts ended at {string.Join(", ", finals)}");
        }
        Assert.Contains("restarts need the noise start", (settings with { Restarts = 2, Start = InversionStart.Mean }).Problem());
    }

    /// <summary>
    /// Coarse-to-fine runs the iterations at 14x14 on the resized originals first, then at 28x28 from that
    /// result upsampled: the full size's first report is already far below where a run from noise is then.
    /// </summary>
    [Fact]
    public void Coarse_to_fine_starts_the_full_size_from_the_coarse_result()
    {
        var original = Disk(12, 15).Normalized;
        var settings = Preset(InversionPresets.Exact) with { Iterations = 20, ReportEvery = 5 };
        var plain = new List<Progress>();
        var coarse = new List<Progress>();
        var single = Invert("relu1_2", original, 1, settings, plain.Add);
        var twoLevels = Invert("relu1_2", original, 1, settings with { CoarseToFine = 2 }, coarse.Add);
        Assert.Equal(4, plain.Count);
        Assert.Equal(8, coarse.Count);
        Assert.True(coarse[4].Loss[0] < 0.25f * plain[0].Loss[0],
            $"loss 5 steps into the full size: {coarse[4].Loss[0]:G3} after the coarse level, {plain[0].Loss[0]:G3} from noise");
        Assert.True(twoLevels.Loss[0] < single.Loss[0], $"final loss {twoLevels.Loss[0]:G3} coarse-to-fine, {single.Loss[0]:G3} plain");
        Assert.Contains("coarse-to-fine levels must lie in 1..4, got 0", (settings with { CoarseToFine = 0 }).Problem());
    }

    [Fact]
    public void Feature_match_loss_is_normalized_per_image_by_the_targets_energy()
    {
        var layer = _network.Resolve("fc2");
        float[] features = [1, 2, 3, 100, 200, 300]; // item 1 has 10,000x the energy of item 0
        using var objective = new FeatureMatchObjective(layer, Tensor.FromArray(fixture.Device, features, 2, 3));
        using var zero = Tensor.Zeros(fixture.Device, 2, 3);
        Assert.All(objective.Loss(zero), l => Assert.Equal(0.5f, l, 5));
        using var twice = Tensor.FromArray(fixture.Device, Array.ConvertAll(features, v => 2 * v), 2, 3);
        Assert.All(objective.Loss(twice), l => Assert.Equal(0.5f, l, 5));
        objective.Retarget(twice);
        Assert.All(objective.Loss(twice), l => Assert.Equal(0f, l));
        Assert.All(objective.Loss(zero), l => Assert.Equal(0.5f, l, 5));
    }

    [Fact]
    public void Settings_name_what_is_out_of_range()
    {
        var valid = new InversionSettings();
        Assert.Null(valid.Problem(28, 28));
        Assert.Contains("iterations must be at least 1, got 0", (valid with { Iterations = 0 }).Problem());
        Assert.Contains("grad std clip must be >= 0", (valid with { GradientStdClip = -1 }).Problem());
        Assert.Contains("blur size must be a positive odd number, got 4", (valid with { Blur = [new(4, 10)] }).Problem());
        Assert.Contains("a 7x7 blur does not fit a 3x20 image", valid.Problem(3, 20));
        Assert.Contains("a schedule needs the momentum or adam optimizer", (valid with { Schedule = LearningRateSchedule.Cosine }).Problem());
        Assert.Contains("momentum must lie in [0, 1), got 1", (valid with { Optimizer = InversionOptimizer.Momentum, Momentum = 1 }).Problem());
        Assert.All(InversionPresets.Names, name => Assert.Null(Preset(name).Problem(28, 28)));
        Assert.Null(InversionPresets.For("vivid", _network.Info, 28, 28, [1, 16, 28, 28]));
        var refused = Assert.Throws<SettingsException>(() => new Inversion(_network, _network.Resolve("conv1_1"), [1, 1, 28, 28], valid with { Alpha = 0.5f }));
        Assert.Equal("alpha must be >= 1, got 0.5", refused.Message);
    }

    public void Dispose() => _network.Dispose();
}
