using DeepVis.Kernels.Layers;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

public sealed class LinearTests(DeviceFixture fixture) : KernelTest(fixture)
{
    // A 4-D input exercises the C,H,W flatten that precedes torchvision's classifier.
    private (int[] Shape, int Inputs, int Outputs) RandomCase()
    {
        int[] shape = [Between(1, 4), Between(1, 3), Between(1, 5), Between(1, 5)];
        return (shape, shape[1] * shape[2] * shape[3], Between(1, 13));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Forward_matches_reference(bool bias)
    {
        var (shape, inputs, outputs) = RandomCase();
        var n = shape[0];
        var (x, w, b) = (Uniform(n * inputs), Uniform(outputs * inputs), Uniform(outputs));
        var y = Poisoned(n, outputs);
        Linear.Forward(Upload(x, shape), Upload(w, outputs, inputs), bias ? Upload(b, outputs) : null, y);
        AssertClose(LinearReference.Forward(ToDouble(x), n, inputs, ToDouble(w), bias ? ToDouble(b) : null, outputs),
            y.ToArray(), 1e-5, "linear forward");
    }

    [Fact]
    public void Backward_matches_reference_finite_differences_and_adjoint()
    {
        var (shape, inputs, outputs) = RandomCase();
        var n = shape[0];
        var (x, w, dy) = (Uniform(n * inputs), Uniform(outputs * inputs), Uniform(n * outputs));
        var dx = Poisoned(shape);
        Linear.BackwardInput(Upload(dy, n, outputs), Upload(w, outputs, inputs), dx);
        var gradient = dx.ToArray();
        AssertClose(LinearReference.BackwardInput(ToDouble(dy), n, inputs, ToDouble(w), outputs), gradient, 1e-5, "linear backward");
        AssertGradient(v => LinearReference.Forward(v, n, inputs, ToDouble(w), null, outputs), ToDouble(x), ToDouble(dy), gradient,
            "linear backward");

        var y = Poisoned(n, outputs);
        Linear.Forward(Upload(x, shape), Upload(w, outputs, inputs), null, y);
        AssertAdjoint(x, y.ToArray(), dy, gradient, "linear");
    }

    [Fact]
    public void Rejects_input_that_does_not_flatten_to_the_weight_width()
    {
        var ex = Assert.Throws<ShapeException>(() =>
            Linear.Forward(Upload(Uniform(12), 1, 3, 2, 2), Upload(Uniform(20), 2, 10), null, Poisoned(1, 2)));
        Assert.Contains("[1, 3, 2, 2]", ex.Message);
        Assert.Contains("[2, 10]", ex.Message);
    }
}
