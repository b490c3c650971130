using DeepVis.Kernels.Runtime;
using DeepVis.Ops;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

public abstract class ReshapeTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : ReshapeTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : ReshapeTests(fixture, Implementation.Ilgpu);

    [Fact]
    public void Forward_and_backward_keep_the_elements_in_order()
    {
        var (groups, per) = (Between(1, 3), Between(1, 4));
        int[] shape = [Between(1, 3), groups * per, Between(1, 4), Between(1, 4)];
        int[] item = [groups, per, shape[2], shape[3]];
        var output = ReshapeReference.OutputShape(shape, item);
        Assert.Equal(output, Reshape.OutputShape(shape, item));
        var count = shape.Aggregate(1, (a, b) => a * b);
        var (x, dy) = (Uniform(count), Uniform(count));
        var (y, dx) = (Poisoned(output), Poisoned(shape));
        var layer = new ReshapeLayer(item);
        layer.Forward(Upload(x, shape), y);
        layer.Backward(Upload(x, shape), y, Upload(dy, output), dx);
        AssertClose(ToDouble(x), y.ToArray(), 0, "reshape forward");
        AssertClose(ToDouble(dy), dx.ToArray(), 0, "reshape backward");
        AssertAdjoint(x, y.ToArray(), dy, dx.ToArray(), "reshape");
    }

    [Fact]
    public void Rejects_mismatched_shapes()
    {
        var ex = Assert.Throws<ShapeException>(() => Reshape.OutputShape([2, 3, 4], [5, 2]));
        Assert.Equal("reshape of [2, 3, 4] to items [5, 2]: 12 elements per item cannot become 10", ex.Message);
        ex = Assert.Throws<ShapeException>(() => Reshape.Forward(Upload(Uniform(12), 2, 6), Poisoned(3, 4)));
        Assert.Equal("reshape output: [3, 4] does not hold the [2, 6] it is copied from", ex.Message);
        ex = Assert.Throws<ShapeException>(() => Reshape.Backward(Upload(Uniform(12), 2, 6), Poisoned(2, 5)));
        Assert.Equal("reshape input gradient: [2, 5] does not hold the [2, 6] it is copied from", ex.Message);
    }
}
