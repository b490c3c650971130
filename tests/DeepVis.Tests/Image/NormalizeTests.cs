using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Image;

public abstract class NormalizeTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : NormalizeTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : NormalizeTests(fixture, Implementation.Ilgpu);

    private static int Length(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    private int[] RandomShape() => [Between(2, 3), Between(1, 4), 2 * Between(1, 4) + 1, 2 * Between(1, 4) + 1];

    private (float[] Mean, float[] Std) RandomStats(int channels) =>
        (Uniform(channels, -0.5, 0.8), Uniform(channels, 0.1, 2.0));

    private ChannelStats Stats(float[] mean, float[] std)
    {
        var stats = new ChannelStats(Device, mean, std);
        Track(stats.Mean);
        Track(stats.Std);
        return stats;
    }

    [Fact]
    public void Forward_matches_reference()
    {
        var shape = RandomShape();
        var (mean, std) = RandomStats(shape[1]);
        var x = Uniform(Length(shape));
        var y = Poisoned(shape);
        Normalize.Forward(Upload(x, shape), Stats(mean, std), y);
        AssertClose(NormalizeReference.Forward(ToDouble(x), shape, mean, std), y.ToArray(), 1e-6,
            $"normalize on {Tensor.Format(shape)}");
    }

    [Fact]
    public void Every_map_matches_reference_on_a_large_batch()
    {
        int[] shape = [2, 3, 101, 89]; // several chunks of CPU work, planes straddling their boundaries
        var (mean, std) = RandomStats(shape[1]);
        var stats = Stats(mean, std);
        var v = Uniform(Length(shape));
        var input = Upload(v, shape);
        var output = Poisoned(shape);
        Normalize.Forward(input, stats, output);
        AssertClose(NormalizeReference.Forward(ToDouble(v), shape, mean, std), output.ToArray(), 1e-6, "normalize");
        Normalize.Denormalize(input, stats, output);
        AssertClose(NormalizeReference.Denormalize(ToDouble(v), shape, mean, std), output.ToArray(), 1e-6, "denormalize");
        Normalize.Backward(input, stats, output);
        AssertClose(NormalizeReference.Backward(ToDouble(v), shape, std), output.ToArray(), 1e-6, "normalize backward");
        Normalize.DenormalizeBackward(input, stats, output);
        AssertClose(NormalizeReference.DenormalizeBackward(ToDouble(v), shape, std), output.ToArray(), 1e-6, "denormalize backward");
    }

    [Fact]
    public void Denormalize_matches_reference()
    {
        var shape = RandomShape();
        var (mean, std) = RandomStats(shape[1]);
        var y = Uniform(Length(shape));
        var x = Poisoned(shape);
        Normalize.Denormalize(Upload(y, shape), Stats(mean, std), x);
        AssertClose(NormalizeReference.Denormalize(ToDouble(y), shape, mean, std), x.ToArray(), 1e-6,
            $"denormalize on {Tensor.Format(shape)}");
    }

    [Fact]
    public void Denormalize_inverts_forward_in_place()
    {
        var shape = RandomShape();
        var (mean, std) = RandomStats(shape[1]);
        var stats = Stats(mean, std);
        var x = Uniform(Length(shape));
        var t = Upload(x, shape);
        Normalize.Forward(t, stats, t);
        Normalize.Denormalize(t, stats, t);
        AssertClose(ToDouble(x), t.ToArray(), 1e-5, "denormalize(normalize(x))");
    }

    [Fact]
    public void Backward_matches_reference()
    {
        var shape = RandomShape();
        var (mean, std) = RandomStats(shape[1]);
        var dy = Uniform(Length(shape));
        var dx = Poisoned(shape);
        Normalize.Backward(Upload(dy, shape), Stats(mean, std), dx);
        AssertClose(NormalizeReference.Backward(ToDouble(dy), shape, std), dx.ToArray(), 1e-6, "normalize backward");
    }

    [Fact]
    public void Denormalize_backward_matches_reference()
    {
        var shape = RandomShape();
        var (mean, std) = RandomStats(shape[1]);
        var dx = Uniform(Length(shape));
        var dy = Poisoned(shape);
        Normalize.DenormalizeBackward(Upload(dx, shape), Stats(mean, std), dy);
        AssertClose(NormalizeReference.DenormalizeBackward(ToDouble(dx), shape, std), dy.ToArray(), 1e-6,
            "denormalize backward");
    }

    [Fact]
    public void Backward_matches_finite_differences()
    {
        var shape = RandomShape();
        var (mean, std) = RandomStats(shape[1]);
        var stats = Stats(mean, std);
        var g = Uniform(Length(shape));
        var (dx, dy) = (Poisoned(shape), Poisoned(shape));
        Normalize.Backward(Upload(g, shape), stats, dx);
        Normalize.DenormalizeBackward(Upload(g, shape), stats, dy);
        var x = ToDouble(Uniform(Length(shape)));
        AssertGradient(v => NormalizeReference.Forward(v, shape, mean, std), x, ToDouble(g), dx.ToArray(), "normalize backward");
        AssertGradient(v => NormalizeReference.Denormalize(v, shape, mean, std), x, ToDouble(g), dy.ToArray(),
            "denormalize backward");
    }

    /// <summary>The linear part of the affine map: J x = f(x) - f(0), against the backward kernel as J^T.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Backward_is_the_adjoint_of_the_linear_part(bool denormalize)
    {
        var shape = RandomShape();
        var (mean, std) = RandomStats(shape[1]);
        var stats = Stats(mean, std);
        var (x, y) = (Uniform(Length(shape)), Uniform(Length(shape)));
        var (fx, f0, jty) = (Poisoned(shape), Poisoned(shape), Poisoned(shape));
        Action<Tensor, ChannelStats, Tensor> forward = denormalize ? Normalize.Denormalize : Normalize.Forward;
        Action<Tensor, ChannelStats, Tensor> backward = denormalize ? Normalize.DenormalizeBackward : Normalize.Backward;
        forward(Upload(x, shape), stats, fx);
        forward(Upload(new float[x.Length], shape), stats, f0);
        backward(Upload(y, shape), stats, jty);
        var (a, b) = (fx.ToArray(), f0.ToArray());
        var jx = new float[a.Length];
        for (var i = 0; i < jx.Length; i++) jx[i] = a[i] - b[i];
        AssertAdjoint(x, jx, y, jty.ToArray(), denormalize ? "denormalize" : "normalize");
    }

    [Fact]
    public void Rejects_an_image_with_other_channels()
    {
        var stats = Stats([0.5f, 0.4f, 0.3f], [0.2f, 0.2f, 0.2f]);
        var ex = Assert.Throws<ShapeException>(() => Normalize.Forward(Upload(Uniform(2 * 2 * 9), 2, 2, 3, 3), stats, Poisoned(2, 2, 3, 3)));
        Assert.Contains("[3]", ex.Message);
        Assert.Contains("[2, 2, 3, 3]", ex.Message);
    }

    [Fact]
    public void Rejects_mismatched_output_shape()
    {
        var stats = Stats([0.5f], [0.2f]);
        var ex = Assert.Throws<ShapeException>(() => Normalize.Backward(Upload(Uniform(9), 1, 1, 3, 3), stats, Poisoned(1, 1, 9, 1)));
        Assert.Contains("[1, 1, 3, 3]", ex.Message);
        Assert.Contains("[1, 1, 9, 1]", ex.Message);
    }

    [Theory]
    [InlineData(new[] { 0.5f, 0.5f }, new[] { 0.2f }, "same positive length")]
    [InlineData(new[] { 0.5f, 0.5f }, new[] { 0.2f, 0f }, "std[1]")]
    [InlineData(new[] { float.NaN }, new[] { 0.2f }, "mean[0]")]
    public void Rejects_bad_stats(float[] mean, float[] std, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() => new ChannelStats(Device, mean, std));
        Assert.Contains(message, ex.Message);
    }
}
