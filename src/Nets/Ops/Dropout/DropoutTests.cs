using DeepVis.Ops;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

public abstract class DropoutTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : DropoutTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : DropoutTests(fixture, Implementation.Ilgpu);

    [Fact]
    public void Forward_and_backward_are_the_identity_at_inference()
    {
        int[] shape = [Between(1, 3), Between(1, 17)];
        var length = shape[0] * shape[1];
        var (x, dy) = (Uniform(length), Uniform(length));
        var (y, dx) = (Poisoned(shape), Poisoned(shape));
        Dropout.Forward(Upload(x, shape), y);
        Dropout.Backward(Upload(dy, shape), dx);
        AssertClose(DropoutReference.Forward(ToDouble(x)), y.ToArray(), 0, "dropout forward");
        AssertClose(DropoutReference.Backward(ToDouble(dy)), dx.ToArray(), 0, "dropout backward");
    }

    [Fact]
    public void Rejects_mismatched_shapes()
    {
        var forward = Assert.Throws<ShapeException>(() => Dropout.Forward(Upload(Uniform(6), 2, 3), Poisoned(3, 2)));
        Assert.Contains("dropout output: expected shape [2, 3], got [3, 2]", forward.Message);
        var backward = Assert.Throws<ShapeException>(() => Dropout.Backward(Upload(Uniform(6), 2, 3), Poisoned(6)));
        Assert.Contains("dropout input gradient: expected shape [2, 3], got [6]", backward.Message);
    }
}
