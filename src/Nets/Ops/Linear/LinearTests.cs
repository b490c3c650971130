using DeepVis.Ops;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

public abstract class LinearTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : LinearTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : LinearTests(fixture, Implementation.Ilgpu);

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

    // Wider than a work item of the cpu kernels in every direction (16 rows, 512 features, 4 batch
    // items, 8 lanes), none a multiple of it.
    [Fact]
    public void Large_layer_matches_reference_and_adjoint()
    {
        var (n, inputs, outputs) = (Between(5, 7), Between(1025, 1100) | 1, Between(33, 47));
        var (x, w, b, dy) = (Uniform(n * inputs), Uniform(outputs * inputs), Uniform(outputs), Uniform(n * outputs));
        var (y, dx) = (Poisoned(n, outputs), Poisoned(n, inputs));
        var (xt, wt) = (Upload(x, n, inputs), Upload(w, outputs, inputs));
        Linear.Forward(xt, wt, Upload(b, outputs), y);
        Linear.BackwardInput(Upload(dy, n, outputs), wt, dx);
        var what = $"linear batch {n}, {inputs} -> {outputs}";
        AssertClose(LinearReference.Forward(ToDouble(x), n, inputs, ToDouble(w), ToDouble(b), outputs), y.ToArray(), 1e-4, $"{what} forward");
        var gradient = dx.ToArray();
        AssertClose(LinearReference.BackwardInput(ToDouble(dy), n, inputs, ToDouble(w), outputs), gradient, 1e-5, $"{what} backward");
        var linear = Poisoned(n, outputs);
        Linear.Forward(xt, wt, null, linear);
        AssertAdjoint(x, linear.ToArray(), dy, gradient, what);
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

/// <summary>The ILGPU forward kernels, each forced whatever the device would pick.</summary>
public sealed class LinearKernelTests(DeviceFixture fixture) : KernelTest(fixture, Implementation.Ilgpu)
{
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
    public void The_cpu_device_refuses_an_ilgpu_kernel()
    {
        var cpu = Fixture.For(Implementation.Cpu);
        using var x = Tensor.Zeros(cpu, 1, 3);
        using var w = Tensor.Zeros(cpu, 2, 3);
        using var y = Tensor.Zeros(cpu, 1, 2);
        var ex = Assert.Throws<ArgumentException>(() => Linear.Forward(x, w, null, y, Linear.Algorithm.Gemv));
        Assert.Contains("algorithm Gemv is an ILGPU kernel", ex.Message);
    }
}
