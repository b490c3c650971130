using DeepVis.Kernels.Image;
using DeepVis.Nets.Weights;
using DeepVis.Optim.Steps;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Optim;

/// <summary>The denoising hooks filter in pixel space (0..1), whatever the model's normalization, and only every K steps.</summary>
public sealed class DenoisingHookTests(DeviceFixture fixture) : KernelTest(fixture)
{
    // Keras/Caffe VGG: BGR, 0..255, mean subtracted, std 1: the normalized values span about 255.
    private static readonly ModelInfo Caffe = ModelInfo.KerasCaffe("vgg16", 1000, null);

    private static readonly int[] Shape = [2, 3, 9, 7];

    private const int Plane = 9 * 7;

    /// <summary>Random pixels in 0..1 and the same image in the model's normalized input.</summary>
    private (double[] Pixels, float[] Normalized) RandomImage()
    {
        var pixels = Uniform(Shape.Aggregate(1, (a, b) => a * b), 0, 1);
        var normalized = pixels.Select((p, i) => (p * Caffe.InputRange - Caffe.Mean[i / Plane % 3]) / Caffe.Std[i / Plane % 3]).ToArray();
        return (ToDouble(pixels), normalized);
    }

    private static float[] ToPixels(float[] normalized) =>
        [.. normalized.Select((x, i) => (x * Caffe.Std[i / Plane % 3] + Caffe.Mean[i / Plane % 3]) / Caffe.InputRange)];

    private void Step(IStepHook hook, Kernels.Runtime.Tensor image, int step) =>
        hook.AfterUpdate(new StepContext(step, 10, image, image, Rng));

    [Fact]
    public void Bilateral_hook_filters_the_pixels_with_a_range_sigma_in_pixel_units_every_k_steps()
    {
        var (pixels, normalized) = RandomImage();
        var image = Upload(normalized, Shape);
        using var hook = new BilateralHook(Device, Caffe, Shape, 1f, 0.2f, 3);
        Step(hook, image, 0);
        Step(hook, image, 1);
        AssertClose(ToDouble(normalized), image.ToArray(), 1e-6, "bilateral hook before its step");
        Step(hook, image, 2);
        AssertClose(BilateralFilterReference.Forward(pixels, Shape, 2, 1, 0.2), ToPixels(image.ToArray()), 1e-5, "bilateral hook at step 3");
    }

    [Fact]
    public void Tv_hook_denoises_the_pixels_with_a_weight_in_pixel_units_every_k_steps()
    {
        var (pixels, normalized) = RandomImage();
        var image = Upload(normalized, Shape);
        using var hook = new TvDenoiseHook(Device, Caffe, Shape, 0.1f, 2);
        Step(hook, image, 0);
        AssertClose(ToDouble(normalized), image.ToArray(), 1e-6, "tv hook before its step");
        Step(hook, image, 1);
        var expected = TvDenoiseReference.Apply(pixels, Shape, 0.1, TvDenoise.DefaultIterations, TvDenoise.DefaultSweeps);
        AssertClose(expected, ToPixels(image.ToArray()), 1e-5, "tv hook at step 2");
    }
}
