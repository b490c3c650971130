using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Image;

public abstract class RollTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : RollTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : RollTests(fixture, Implementation.Ilgpu);

    private int[] RandomShape() => [Between(2, 3), Between(1, 3), 2 * Between(1, 4) + 1, 2 * Between(1, 4) + 1];

    private static int Length(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 2)]
    [InlineData(-3, 5)]
    [InlineData(17, -23)]
    [InlineData(-100, 1000)]
    [InlineData(int.MinValue, int.MaxValue)]
    public void Forward_matches_reference(int shiftH, int shiftW)
    {
        var shape = RandomShape();
        var x = Uniform(Length(shape));
        var y = Poisoned(shape);
        Roll.Forward(Upload(x, shape), y, shiftH, shiftW);
        AssertClose(RollReference.Forward(ToDouble(x), shape, shiftH, shiftW), y.ToArray(), 0,
            $"roll ({shiftH}, {shiftW}) on {Tensor.Format(shape)}");
    }

    [Fact]
    public void Forward_moves_a_pixel_by_the_shift()
    {
        // torch.roll(x, (1, -2), (2, 3)) on a 3x5 image moves the pixel at (2, 1) to (0, 4).
        int[] shape = [1, 1, 3, 5];
        var x = new float[15];
        x[2 * 5 + 1] = 7;
        var y = Poisoned(shape);
        Roll.Forward(Upload(x, shape), y, 1, -2);
        var expected = new double[15];
        expected[0 * 5 + 4] = 7;
        AssertClose(expected, y.ToArray(), 0, "roll of one pixel");
    }

    [Theory]
    [InlineData(2, -1)]
    [InlineData(-7, 12)]
    [InlineData(int.MinValue, -1000)]
    public void Backward_matches_reference(int shiftH, int shiftW)
    {
        var shape = RandomShape();
        var dy = Uniform(Length(shape));
        var dx = Poisoned(shape);
        Roll.Backward(Upload(dy, shape), dx, shiftH, shiftW);
        AssertClose(RollReference.Backward(ToDouble(dy), shape, shiftH, shiftW), dx.ToArray(), 0,
            $"roll backward ({shiftH}, {shiftW}) on {Tensor.Format(shape)}");
    }

    [Fact]
    public void Backward_undoes_forward()
    {
        var shape = RandomShape();
        var (shiftH, shiftW) = (Between(-20, 20), Between(-20, 20));
        var x = Uniform(Length(shape));
        var (rolled, back) = (Poisoned(shape), Poisoned(shape));
        Roll.Forward(Upload(x, shape), rolled, shiftH, shiftW);
        Roll.Backward(rolled, back, shiftH, shiftW);
        AssertClose(ToDouble(x), back.ToArray(), 0, $"roll ({shiftH}, {shiftW}) and back");
    }

    [Fact]
    public void Backward_is_the_adjoint_of_forward()
    {
        var shape = RandomShape();
        var (shiftH, shiftW) = (Between(-20, 20), Between(-20, 20));
        var (x, y) = (Uniform(Length(shape)), Uniform(Length(shape)));
        var (jx, jty) = (Poisoned(shape), Poisoned(shape));
        Roll.Forward(Upload(x, shape), jx, shiftH, shiftW);
        Roll.Backward(Upload(y, shape), jty, shiftH, shiftW);
        AssertAdjoint(x, jx.ToArray(), y, jty.ToArray(), $"roll ({shiftH}, {shiftW}) on {Tensor.Format(shape)}");
    }

    [Fact]
    public void Backward_matches_finite_differences()
    {
        var shape = RandomShape();
        var (shiftH, shiftW) = (Between(-20, 20), Between(-20, 20));
        var dy = Uniform(Length(shape));
        var dx = Poisoned(shape);
        Roll.Backward(Upload(dy, shape), dx, shiftH, shiftW);
        AssertGradient(v => RollReference.Forward(v, shape, shiftH, shiftW), ToDouble(Uniform(Length(shape))),
            ToDouble(dy), dx.ToArray(), $"roll backward ({shiftH}, {shiftW})");
    }

    [Fact]
    public void Rejects_mismatched_output_shape()
    {
        var ex = Assert.Throws<ShapeException>(() => Roll.Forward(Upload(Uniform(30), 2, 1, 3, 5), Poisoned(2, 1, 5, 3), 1, 1));
        Assert.Contains("[2, 1, 3, 5]", ex.Message);
        Assert.Contains("[2, 1, 5, 3]", ex.Message);
    }

    [Fact]
    public void Rejects_rolling_in_place()
    {
        var x = Upload(Uniform(15), 1, 1, 3, 5);
        var ex = Assert.Throws<ArgumentException>(() => Roll.Forward(x, x, 1, 1));
        Assert.Contains("in place", ex.Message);
    }
}
