using DeepVis.Kernels.Runtime;
using DeepVis.Kernels.Update;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Update;

/// <summary>The Adam step against the double-precision reference, over several steps so the moments and bias corrections count.</summary>
public abstract class AdamTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : AdamTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : AdamTests(fixture, Implementation.Ilgpu);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Steps_match_the_reference_with_their_moments(bool large)
    {
        // The large shape spans several chunks of CPU work and leaves a tail shorter than a vector.
        int[] shape = large ? [3, 3, 67, 45] : [Between(1, 3), Between(1, 3), Between(1, 9) | 1, Between(1, 9) | 1];
        var length = shape.Aggregate(1, (a, b) => a * b);
        var x = Uniform(length);
        var (rate, beta1, beta2) = (0.01 + 0.1 * Rng.NextDouble(), 0.8 + 0.15 * Rng.NextDouble(), 0.99 + 0.009 * Rng.NextDouble());
        var (image, m, v) = (Upload(x, shape), Poisoned(shape), Poisoned(shape));
        m.Fill(0f);
        v.Fill(0f);
        var (expectedX, expectedM, expectedV) = (ToDouble(x), new double[length], new double[length]);
        for (var t = 1; t <= 4; t++)
        {
            // Gradients of every sign and of scales far apart, some exactly zero.
            var g = Uniform(length, -3, 3);
            for (var i = 0; i < length; i += 7) g[i] = 0f;
            Adam.Apply(image, Upload(g, shape), m, v, (float)rate, t, (float)beta1, (float)beta2);
            AdamReference.Step(expectedX, ToDouble(g), expectedM, expectedV, (float)rate, t, (float)beta1, (float)beta2);
        }
        AssertClose(expectedM, m.ToArray(), 1e-5, "first moment");
        AssertClose(expectedV, v.ToArray(), 1e-5, "second moment");
        AssertClose(expectedX, image.ToArray(), 1e-5, "image after four steps");
    }

    [Fact]
    public void The_first_step_moves_every_pixel_by_the_rate_against_its_gradient()
    {
        int[] shape = [2, 1, 5, 3];
        var g = Uniform(30, 0.5, 2);
        var (image, m, v) = (Upload(new float[30], shape), Poisoned(shape), Poisoned(shape));
        m.Fill(0f);
        v.Fill(0f);
        Adam.Apply(image, Upload(g, shape), m, v, 0.05f, 1);
        AssertClose(Enumerable.Repeat(-0.05, 30).ToArray(), image.ToArray(), 1e-6, "first step");
    }

    [Fact]
    public void Shape_mismatches_and_a_step_zero_are_named()
    {
        var (x, g) = (Upload(Uniform(6), 1, 6), Upload(Uniform(6), 1, 6));
        var e = Assert.Throws<ShapeException>(() => Adam.Apply(x, g, Poisoned(1, 6), Poisoned(1, 5), 0.1f, 1));
        Assert.Contains("adam second moment", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Adam.Apply(x, g, Poisoned(1, 6), Poisoned(1, 6), 0.1f, 0));
    }
}
