using DeepVis.Kernels.Image;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Image;

public abstract class SigmoidTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : SigmoidTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : SigmoidTests(fixture, Implementation.Ilgpu);

    private int[] RandomShape() => [Between(1, 3), Between(1, 3), Between(1, 9), Between(1, 9)];

    [Fact]
    public void Forward_matches_reference()
    {
        var shape = RandomShape();
        var x = Uniform(shape.Aggregate(1, (a, b) => a * b), -6, 6);
        var y = Poisoned(shape);
        Sigmoid.Forward(Upload(x, shape), y);
        AssertClose(ColorReference.Sigmoid(ToDouble(x)), y.ToArray(), 1e-6, "sigmoid");
    }

    [Fact]
    public void Backward_matches_finite_differences()
    {
        var shape = RandomShape();
        var length = shape.Aggregate(1, (a, b) => a * b);
        var (x, dy) = (Uniform(length, -4, 4), Uniform(length));
        var (y, dx) = (Poisoned(shape), Poisoned(shape));
        Sigmoid.Forward(Upload(x, shape), y);
        Sigmoid.Backward(y, Upload(dy, shape), dx);
        AssertGradient(ColorReference.Sigmoid, ToDouble(x), ToDouble(dy), dx.ToArray(), "sigmoid backward");
    }
}
