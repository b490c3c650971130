using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Kernels.Update;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Update;

/// <summary>The small kernels of the update step, each against a direct double computation.</summary>
public abstract class UpdateKernelTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : UpdateKernelTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : UpdateKernelTests(fixture, Implementation.Ilgpu);

    private int[] RandomShape() => [Between(1, 3), Between(1, 3), Between(1, 9) | 1, Between(1, 9) | 1];

    private static int Length(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    /// <summary>Several chunks of CPU work, with batch items and image planes that straddle chunk boundaries.</summary>
    private static readonly int[] LargeShape = [3, 3, 67, 45];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Axpy_adds_a_scaled_tensor(bool large)
    {
        var shape = large ? LargeShape : RandomShape();
        var (x, y) = (Uniform(Length(shape)), Uniform(Length(shape)));
        var alpha = (float)(Rng.NextDouble() * 4 - 2);
        var t = Upload(y, shape);
        Arithmetic.Axpy(alpha, Upload(x, shape), t);
        AssertClose(x.Select((v, i) => (double)y[i] + alpha * v).ToArray(), t.ToArray(), 1e-6, "axpy");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Axpy_per_item_scales_each_batch_item_by_its_factor(bool large)
    {
        var shape = large ? LargeShape : RandomShape();
        var (x, y) = (Uniform(Length(shape)), Uniform(Length(shape)));
        var alpha = Uniform(shape[0], -2, 2);
        var t = Upload(y, shape);
        Arithmetic.AxpyPerItem(Upload(alpha, shape[0]), Upload(x, shape), t);
        var m = Length(shape) / shape[0];
        AssertClose(x.Select((v, i) => (double)y[i] + alpha[i / m] * v).ToArray(), t.ToArray(), 1e-6, "axpy per item");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Scale_add_decays_the_buffer_and_adds(bool large)
    {
        var shape = large ? LargeShape : RandomShape();
        var (x, y) = (Uniform(Length(shape)), Uniform(Length(shape)));
        var beta = (float)Rng.NextDouble();
        var t = Upload(y, shape);
        Arithmetic.ScaleAdd(beta, Upload(x, shape), t);
        AssertClose(x.Select((v, i) => (double)beta * y[i] + v).ToArray(), t.ToArray(), 1e-6, "scale add");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Subtract_writes_the_difference(bool large)
    {
        var shape = large ? LargeShape : RandomShape();
        var (a, b) = (Uniform(Length(shape)), Uniform(Length(shape)));
        var y = Poisoned(shape);
        Arithmetic.Subtract(Upload(a, shape), Upload(b, shape), y);
        AssertClose(a.Select((v, i) => (double)v - b[i]).ToArray(), y.ToArray(), 1e-7, "subtract");
    }

    [Fact]
    public void Subtract_in_place_into_either_operand()
    {
        var shape = RandomShape();
        var (a, b) = (Uniform(Length(shape)), Uniform(Length(shape)));
        var expected = a.Select((v, i) => (double)v - b[i]).ToArray();
        var (ta, tb) = (Upload(a, shape), Upload(b, shape));
        Arithmetic.Subtract(ta, tb, ta);
        AssertClose(expected, ta.ToArray(), 1e-7, "subtract into a");
        (ta, tb) = (Upload(a, shape), Upload(b, shape));
        Arithmetic.Subtract(ta, tb, tb);
        AssertClose(expected, tb.ToArray(), 1e-7, "subtract into b");
    }

    [Theory]
    [InlineData(ImageStats.SumAbs, true, false)]
    [InlineData(ImageStats.MaxAbs, false, false)]
    [InlineData(ImageStats.SumAbs, true, true)]
    [InlineData(ImageStats.MaxAbs, false, true)]
    public void Scaled_step_divides_each_image_by_its_statistic(int column, bool mean, bool large)
    {
        var shape = large ? LargeShape : RandomShape();
        var (x, g) = (Uniform(Length(shape)), Uniform(Length(shape)));
        var stats = Poisoned(shape[0], ImageStats.Count);
        var gradient = Upload(g, shape);
        ImageStats.Compute(gradient, stats);
        var image = Upload(x, shape);
        ScaledStep.Apply(image, gradient, stats, 0.5f, column, mean);
        var reference = ImageStatsReference.Compute(ToDouble(g), shape[0]);
        var m = Length(shape) / shape[0];
        var expected = x.Select((v, i) =>
        {
            var scale = reference[i / m * ImageStats.Count + column] / (mean ? m : 1) + 1e-8;
            return v - 0.5 * g[i] / scale;
        }).ToArray();
        AssertClose(expected, image.ToArray(), 1e-5, $"scaled step by column {column}");
    }

    [Fact]
    public void Dot_is_per_image()
    {
        var shape = RandomShape();
        var (a, b) = (Uniform(Length(shape)), Uniform(Length(shape)));
        var result = Poisoned(shape[0]);
        ImageStats.Dot(Upload(a, shape), Upload(b, shape), result);
        var m = Length(shape) / shape[0];
        var expected = Enumerable.Range(0, shape[0]).Select(n => Enumerable.Range(n * m, m).Sum(i => (double)a[i] * b[i])).ToArray();
        AssertClose(expected, result.ToArray(), 1e-5, "per-image dot");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Clamp_to_pixel_range_keeps_pixels_displayable(bool large)
    {
        int[] shape = large ? LargeShape : [2, 3, Between(2, 7), Between(2, 7)];
        var x = Uniform(Length(shape), -4, 4);
        float[] mean = [0.485f, 0.456f, 0.406f], std = [0.229f, 0.224f, 0.225f];
        using var stats = new ChannelStats(Device, mean, std);
        var t = Upload(x, shape);
        Normalize.ClampToPixelRange(t, stats, 1f);
        var plane = shape[2] * shape[3];
        var expected = x.Select((v, i) =>
        {
            var c = i / plane % 3;
            return (Math.Clamp(v * (double)std[c] + mean[c], 0, 1) - mean[c]) / std[c];
        }).ToArray();
        AssertClose(expected, t.ToArray(), 1e-5, "clamp to pixel range");
    }

    [Fact]
    public void Shape_mismatches_are_named()
    {
        var e = Assert.Throws<ShapeException>(() => Arithmetic.Axpy(1, Upload(Uniform(4), 1, 4), Poisoned(1, 5)));
        Assert.Contains("[1, 4]", e.Message);
        Assert.Contains("[1, 5]", e.Message);
    }
}
