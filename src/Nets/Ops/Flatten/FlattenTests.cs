using DeepVis.Kernels.Runtime;
using DeepVis.Ops;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

public abstract class FlattenTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : FlattenTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : FlattenTests(fixture, Implementation.Ilgpu);

    [Fact]
    public void Forward_and_backward_keep_the_elements_in_order()
    {
        int[] shape = [Between(1, 3), Between(1, 5), Between(1, 4), Between(1, 4)];
        var flat = FlattenReference.OutputShape(shape);
        Assert.Equal(flat, Flatten.OutputShape(shape));
        var (x, dy) = (Uniform(flat[0] * flat[1]), Uniform(flat[0] * flat[1]));
        var (y, dx) = (Poisoned(flat), Poisoned(shape));
        Flatten.Forward(Upload(x, shape), y);
        Flatten.Backward(Upload(dy, flat), dx);
        AssertClose(ToDouble(x), y.ToArray(), 0, "flatten forward");
        AssertClose(ToDouble(dy), dx.ToArray(), 0, "flatten backward");
    }

    [Fact]
    public void Rejects_mismatched_shapes()
    {
        var forward = Assert.Throws<ShapeException>(() => Flatten.Forward(Upload(Uniform(12), 2, 3, 2), Poisoned(3, 4)));
        Assert.Contains("flatten output: expected shape [2, 6], got [3, 4]", forward.Message);
        var backward = Assert.Throws<ShapeException>(() => Flatten.Backward(Upload(Uniform(12), 2, 6), Poisoned(2, 2, 2)));
        Assert.Contains("flatten output gradient: expected shape [2, 4], got [2, 6]", backward.Message);
    }
}
