using DeepVis.Kernels.Layers;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

public sealed class LinearTests(DeviceFixture fixture) : KernelTest(fixture)
{
    // A 4-D input exercises the C,H,W flatten that precedes torchvision's classifier; rank 2 is the
    // classifier's later layers, rank 3 any other item shape.
    private (int[] Shape, int Inputs, int Outputs) RandomCase(int rank = 4)
    {
        var shape = new int[rank];
        shape[0] = Between(1, 4);
        for (var d = 1; d < rank; d++) shape[d] = Between(1, rank == 2 ? 29 : 5);
        return (shape, shape.Skip(1).Aggregate(1, (a, b) => a * b), Between(1, 13));
    }

    [Theory]
    [InlineData(4, true)]
    [InlineData(4, false)]
    [InlineData(3, true)]
    [InlineData(2, true)]
    public void Forward_matches_reference(int rank, bool bias)
    {
        var (shape, inputs, outputs) = RandomCase(rank);
        var n = shape[0];
        var (x, w, b) = (Uniform(n * inputs), Uniform(outputs * inputs), Uniform(outputs));
        var y = Poisoned(n, outputs);
        Linear.Forward(Upload(x, shape), Upload(w, outputs, inputs), bias ? Upload(b, outputs) : null, y);
        AssertClose(LinearReference.Forward(ToDouble(x), n, inputs, ToDouble(w), bias ? ToDouble(b) : null, outputs),
            y.ToArray(), 1e-5, "linear forward");
    }

    [Theory]
    [InlineData(4)]
    [InlineData(2)]
    public void Backward_matches_reference_finite_differences_and_adjoint(int rank)
    {
        var (shape, inputs, outputs) = RandomCase(rank);
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

    // Every forward kernel, whatever the device would pick, on a layer wider than one tile (none a
    // multiple of it); GEMV and GEMM also run batches other than the one they are picked for.
    [Theory]
    [InlineData(Linear.Algorithm.Direct, 3)]
    [InlineData(Linear.Algorithm.Gemv, 1)]
    [InlineData(Linear.Algorithm.Gemv, 3)]
    [InlineData(Linear.Algorithm.Gemm, 1)]
    [InlineData(Linear.Algorithm.Gemm, 21)]
    public void Every_forward_kernel_matches_reference(Linear.Algorithm algorithm, int n)
    {
        var (inputs, outputs) = (Between(40, 300), Between(17, 70));
        var (x, w, b) = (Uniform(n * inputs), Uniform(outputs * inputs), Uniform(outputs));
        var y = Poisoned(n, outputs);
        Linear.Forward(Upload(x, n, inputs), Upload(w, outputs, inputs), Upload(b, outputs), y, algorithm);
        AssertClose(LinearReference.Forward(ToDouble(x), n, inputs, ToDouble(w), ToDouble(b), outputs),
            y.ToArray(), 1e-5, $"linear {algorithm} forward, batch {n}, {inputs} -> {outputs}");
    }

    [Fact]
    public void Rejects_input_that_does_not_flatten_to_the_weight_width()
    {
        var ex = Assert.Throws<ShapeException>(() =>
            Linear.Forward(Upload(Uniform(12), 1, 3, 2, 2), Upload(Uniform(20), 2, 10), null, Poisoned(1, 2)));
        Assert.Contains("[1, 3, 2, 2]", ex.Message);
        Assert.Contains("[2, 10]", ex.Message);
    }

    [Fact]
    public void Rejects_wrong_output_shape()
    {
        var ex = Assert.Throws<ShapeException>(() =>
            Linear.Forward(Upload(Uniform(6), 2, 3), Upload(Uniform(15), 5, 3), null, Poisoned(2, 4)));
        Assert.Contains("linear output: expected shape [2, 5], got [2, 4]", ex.Message);
    }

    [Fact]
    public void Backward_rejects_gradient_that_does_not_match_the_weight()
    {
        var ex = Assert.Throws<ShapeException>(() =>
            Linear.BackwardInput(Upload(Uniform(10), 2, 5), Upload(Uniform(15), 5, 3), Poisoned(2, 4)));
        Assert.Contains("[2, 4]", ex.Message);
        Assert.Contains("[5, 3]", ex.Message);
    }
}
