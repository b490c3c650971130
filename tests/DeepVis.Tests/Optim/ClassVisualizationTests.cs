using DeepVis.Nets;
using DeepVis.Optim;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Optim;

/// <summary>Class visualization on the random 28x28 mini-vgg: each item's class comes out on top.</summary>
public sealed class ClassVisualizationTests(DeviceFixture fixture)
{
    /// <summary>
    /// 25 steps over two octaves. Jitter is off: on this tiny random network a 1-pixel shift changes the
    /// logits so much that 25 jittered steps only reach margins of a few units (measured).
    /// </summary>
    private static readonly ClassSettings Short = new()
    {
        Octaves = [new Octave(0.5f, 10, 1f, 0.5f), new Octave(1f, 15, 0.6f, 0.3f)],
        StepSize = 0.3f,
        Jitter = 0,
    };

    /// <summary>Target logit minus the largest other logit, per item.</summary>
    private static float[] Margins(ClassImages images) =>
        [.. Enumerable.Range(0, images.Classes.Count).Select(n =>
            images.TargetLogit(n) - Enumerable.Range(0, images.ClassCount).Where(k => k != images.Classes[n]).Max(k => images.Logits[n * images.ClassCount + k]))];

    // The random network favours some classes: in these 25 steps classes 1 and 9 stay at or below others
    // (measured margins -8 to 8 over three seeds), while 0, 4 and 8 rise clear of every other class (25 to 60).
    [Fact]
    public void Every_item_of_the_batch_makes_its_class_logit_the_largest_by_a_margin()
    {
        using var network = Network.Build(fixture.Device, TestWeights.MiniVgg());
        int[] classes = [0, 4, 8];
        var sizes = new List<int>();
        var start = Array.Empty<float>();
        var images = ClassVisualization.Run(network, classes, Short, new Random(1), (optimizer, o, octave) =>
        {
            if (o == 0) start = optimizer.Evaluate(network.Resolve("logits"));
            sizes.Add(optimizer.Image.H);
            return optimizer.Run(octave.Iterations, octave.Iterations, new Random(o));
        });

        Assert.Equal([14, 28], sizes);
        Assert.Equal([3, 1, 28, 28], images.Shape);
        var margins = Margins(images);
        for (var n = 0; n < classes.Length; n++)
        {
            var before = start[n * 10 + classes[n]];
            Assert.True(images.TargetLogit(n) > before + 5, $"item {n} (class {classes[n]}): logit {before} -> {images.TargetLogit(n)}");
            Assert.Equal(classes[n], images.Predicted(n));
            Assert.True(margins[n] > 5f, $"item {n} (class {classes[n]}): margin {margins[n]} over the next logit");
            Assert.True(images.Probability(n) > 0.99f, $"item {n}: probability {images.Probability(n)}");
        }
    }

    [Fact]
    public void Bilateral_and_tv_denoising_in_the_loop_keep_the_images_valid_and_the_classes_on_top()
    {
        using var network = Network.Build(fixture.Device, TestWeights.MiniVgg());
        int[] classes = [3, 6];
        var settings = Short with { Bilateral = new BilateralSettings(1f, 0.1f, 3), TvDenoise = new TvDenoiseSettings(0.02f, 4), Background = [0f, 0f, 0f] };
        var images = ClassVisualization.Run(network, classes, settings, new Random(2));
        // The pixel clamp keeps every normalized value inside [(0 - 0.5) / 0.25, (1 - 0.5) / 0.25].
        Assert.All(images.Images, v => Assert.InRange(v, -2.0001f, 2.0001f));
        var margins = Margins(images);
        for (var n = 0; n < classes.Length; n++) Assert.True(margins[n] > 2f, $"item {n} (class {classes[n]}): margin {margins[n]}");
    }

    [Fact]
    public void A_background_start_is_the_colours_luma_on_a_grayscale_model()
    {
        using var network = Network.Build(fixture.Device, TestWeights.MiniVgg());
        // One step too small to move anything visibly, no penalty, no jitter, no blur.
        var settings = new ClassSettings
        {
            Octaves = [new Octave(1f, 1, 0f, 0f)], Size = 12, StepSize = 1e-6f, L2 = 0f, Jitter = 0, Background = [1f, 0f, 0f],
        };
        var images = ClassVisualization.Run(network, [1, 3], settings, new Random(3));
        Assert.Equal([2, 1, 12, 12], images.Shape);
        var expected = (0.299f - 0.5f) / 0.25f;
        Assert.All(images.Images, v => Assert.InRange(v, expected - 1e-3f, expected + 1e-3f));
    }

    [Fact]
    public void A_noise_start_differs_per_item_and_has_the_requested_pixel_spread()
    {
        using var network = Network.Build(fixture.Device, TestWeights.MiniVgg());
        var settings = new ClassSettings { Octaves = [new Octave(1f, 1, 0f, 0f)], StepSize = 1e-6f, L2 = 0f, Jitter = 0, Noise = 0.1f };
        var images = ClassVisualization.Run(network, [1, 3], settings, new Random(4));
        // Pixel std 0.1 is 0.1 / 0.25 = 0.4 in normalized units (the clamp at +-2 cuts almost nothing).
        var std = Math.Sqrt(images.Images.Average(v => (double)v * v));
        Assert.InRange(std, 0.36, 0.44);
        Assert.NotEqual(images.Images.Take(784), images.Images.Skip(784));
    }

    [Fact]
    public void A_class_outside_the_logits_is_refused_before_any_work()
    {
        using var network = Network.Build(fixture.Device, TestWeights.MiniVgg());
        var ex = Assert.Throws<SettingsException>(() => ClassVisualization.Run(network, [1, 10], new ClassSettings(), new Random(5)));
        Assert.Contains("class 10 is not one of the network's 10 classes", ex.Message);
    }
}
