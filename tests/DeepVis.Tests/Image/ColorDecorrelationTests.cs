using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Image;

public abstract class ColorDecorrelationTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : ColorDecorrelationTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : ColorDecorrelationTests(fixture, Implementation.Ilgpu);

    private int[] RandomShape() => [Between(1, 3), 3, Between(1, 7), Between(1, 7)];

    [Fact]
    public void Lucid_matrix_is_the_published_one_over_its_largest_column_norm()
    {
        double[,] published = { { 0.26, 0.09, 0.02 }, { 0.27, 0.00, -0.05 }, { 0.27, -0.09, 0.03 } };
        var largest = Math.Sqrt(0.26 * 0.26 + 0.27 * 0.27 + 0.27 * 0.27);
        var m = ColorDecorrelation.Lucid.ToRows();
        for (var r = 0; r < 3; r++)
            for (var c = 0; c < 3; c++) Assert.Equal(published[r, c] / largest, m[r, c], 6);
    }

    [Fact]
    public void Forward_matches_reference()
    {
        var shape = RandomShape();
        var x = Uniform(shape.Aggregate(1, (a, b) => a * b));
        var y = Poisoned(shape);
        ColorDecorrelation.Forward(Upload(x, shape), y, ColorDecorrelation.Lucid);
        AssertClose(ColorReference.Mix(ToDouble(x), shape, ColorDecorrelation.Lucid.ToRows()), y.ToArray(), 1e-6, "colour mix");
    }

    [Fact]
    public void Backward_is_the_adjoint_of_forward()
    {
        var shape = RandomShape();
        var length = shape.Aggregate(1, (a, b) => a * b);
        var (x, y) = (Uniform(length), Uniform(length));
        var (jx, jty) = (Poisoned(shape), Poisoned(shape));
        ColorDecorrelation.Forward(Upload(x, shape), jx, ColorDecorrelation.Lucid);
        ColorDecorrelation.Backward(Upload(y, shape), jty, ColorDecorrelation.Lucid);
        AssertAdjoint(x, jx.ToArray(), y, jty.ToArray(), "colour mix");
    }

    [Fact]
    public void Rejects_images_without_three_channels()
    {
        var ex = Assert.Throws<ShapeException>(() =>
            ColorDecorrelation.Forward(Upload(Uniform(8), 1, 2, 2, 2), Poisoned(1, 2, 2, 2), ColorDecorrelation.Lucid));
        Assert.Contains("3 channels", ex.Message);
    }
}
