using DeepVis.Kernels.Layers;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

public sealed class DropoutTests(DeviceFixture fixture) : KernelTest(fixture)
{
    [Fact]
    public void Forward_and_backward_are_the_identity_at_inference()
    {
        int[] shape = [Between(1, 3), Between(1, 17)];
        var length = shape[0] * shape[1];
        var (x, dy) = (Uniform(length), Uniform(length));
        var (y, dx) = (Poisoned(shape), Poisoned(shape));
        Dropout.Forward(Upload(x, shape), y);
        Dropout.Backward(Upload(dy, shape), dx);
        AssertClose(ToDouble(x), y.ToArray(), 0, "dropout forward");
        AssertClose(ToDouble(dy), dx.ToArray(), 0, "dropout backward");
    }
}
