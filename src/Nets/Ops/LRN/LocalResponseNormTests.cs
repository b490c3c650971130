using DeepVis.Ops;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

public abstract class LocalResponseNormTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : LocalResponseNormTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : LocalResponseNormTests(fixture, Implementation.Ilgpu);

    /// <summary>AlexNet's (5, 1e-4, 0.75, 2), GoogLeNet-like size 5 with k 1, and large alphas where the cross-channel term matters.</summary>
    public static TheoryData<int, float, float, float> Settings => new()
    {
        { 5, 1e-4f, 0.75f, 2f },
        { 5, 1e-4f, 0.75f, 1f },
        { 5, 0.5f, 0.75f, 1f },
        { 3, 1f, 0.5f, 1f },
        { 2, 0.3f, 1.2f, 1.5f },
        { 4, 2f, 0.75f, 1f },
        { 1, 0.2f, 0.75f, 1f },
    };

    private int[] RandomShape() => [Between(2, 3), Between(1, 8), Between(1, 5), Between(1, 5)];

    private static int Count(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    [Theory]
    [MemberData(nameof(Settings))]
    public void Forward_matches_reference(int size, float alpha, float beta, float k)
    {
        var s = new LocalResponseNormSettings(size, alpha, beta, k);
        var shape = RandomShape();
        var x = Uniform(Count(shape), -2, 2);
        var y = Poisoned(shape);
        LocalResponseNorm.Forward(Upload(x, shape), y, s);
        AssertClose(LocalResponseNormReference.Forward(ToDouble(x), shape, s), y.ToArray(), 1e-5,
            $"local response norm forward {s} on {Tensor.Format(shape)}");
    }

    [Fact]
    public void Forward_works_on_vectors()
    {
        var s = new LocalResponseNormSettings(3, 0.7f, 0.75f, 1f);
        int[] shape = [3, Between(2, 9)];
        var x = Uniform(Count(shape), -2, 2);
        var y = Poisoned(shape);
        LocalResponseNorm.Forward(Upload(x, shape), y, s);
        AssertClose(LocalResponseNormReference.Forward(ToDouble(x), shape, s), y.ToArray(), 1e-5,
            $"local response norm forward {s} on {Tensor.Format(shape)}");
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Backward_matches_reference(int size, float alpha, float beta, float k)
    {
        var s = new LocalResponseNormSettings(size, alpha, beta, k);
        var shape = RandomShape();
        var (x, dy) = (Uniform(Count(shape), -2, 2), Uniform(Count(shape)));
        var dx = Poisoned(shape);
        LocalResponseNorm.Backward(Upload(x, shape), Upload(dy, shape), dx, s);
        AssertClose(LocalResponseNormReference.Backward(ToDouble(x), shape, ToDouble(dy), s), dx.ToArray(), 1e-5,
            $"local response norm backward {s} on {Tensor.Format(shape)}");
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Backward_matches_finite_differences(int size, float alpha, float beta, float k)
    {
        var s = new LocalResponseNormSettings(size, alpha, beta, k);
        var shape = RandomShape();
        var (x, dy) = (Uniform(Count(shape), -2, 2), Uniform(Count(shape)));
        var dx = Poisoned(shape);
        LocalResponseNorm.Backward(Upload(x, shape), Upload(dy, shape), dx, s);
        AssertGradient(v => LocalResponseNormReference.Forward(v, shape, s), ToDouble(x), ToDouble(dy), dx.ToArray(),
            $"local response norm backward {s} on {Tensor.Format(shape)}");
    }

    [Theory]
    // Planes longer than one CPU work item's pixel run (256), with a partial run; a window wider than
    // the CPU backward's stack scratch holds.
    [InlineData(2, 7, 19, 29, 5)]
    [InlineData(1, 40, 16, 17, 35)]
    public void Forward_and_backward_match_reference_on_large_planes(int n, int c, int h, int w, int size)
    {
        var s = new LocalResponseNormSettings(size, 0.5f, 0.75f, 1f);
        int[] shape = [n, c, h, w];
        var (x, dy) = (Uniform(Count(shape), -2, 2), Uniform(Count(shape)));
        var (y, dx) = (Poisoned(shape), Poisoned(shape));
        var input = Upload(x, shape);
        LocalResponseNorm.Forward(input, y, s);
        LocalResponseNorm.Backward(input, Upload(dy, shape), dx, s);
        AssertClose(LocalResponseNormReference.Forward(ToDouble(x), shape, s), y.ToArray(), 1e-5,
            $"local response norm forward {s} on {Tensor.Format(shape)}");
        AssertClose(LocalResponseNormReference.Backward(ToDouble(x), shape, ToDouble(dy), s), dx.ToArray(), 1e-5,
            $"local response norm backward {s} on {Tensor.Format(shape)}");
    }

    [Fact]
    public void Rejects_mismatched_shapes()
    {
        var s = new LocalResponseNormSettings(5);
        var x = Upload(Uniform(2 * 6 * 3 * 3), 2, 6, 3, 3);
        var ex = Assert.Throws<ShapeException>(() => LocalResponseNorm.Forward(x, Poisoned(2, 6, 3, 4), s));
        Assert.Contains("output", ex.Message);
        Assert.Contains("[2, 6, 3, 3]", ex.Message);
        Assert.Contains("[2, 6, 3, 4]", ex.Message);

        ex = Assert.Throws<ShapeException>(() => LocalResponseNorm.Backward(x, Poisoned(2, 5, 3, 3), Poisoned(2, 6, 3, 3), s));
        Assert.Contains("output gradient", ex.Message);
        Assert.Contains("[2, 6, 3, 3]", ex.Message);
        Assert.Contains("[2, 5, 3, 3]", ex.Message);

        Assert.Throws<ArgumentException>(() => LocalResponseNorm.Forward(x, Poisoned(2, 6, 3, 3), new LocalResponseNormSettings(0)));
    }
}
