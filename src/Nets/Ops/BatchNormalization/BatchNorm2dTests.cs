using DeepVis.Ops;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

public abstract class BatchNorm2dTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : BatchNorm2dTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : BatchNorm2dTests(fixture, Implementation.Ilgpu);

    private int[] RandomShape() => [Between(2, 3), Between(1, 6), Between(1, 9), Between(1, 9)];

    private static int Count(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    private (float[] Scale, float[] Shift) RandomAffine(int channels) => (Uniform(channels, -2, 2), Uniform(channels, -1, 1));

    [Fact]
    public void Affine_matches_reference()
    {
        var c = Between(1, 9);
        var (gamma, beta, mean) = (Uniform(c, -2, 2), Uniform(c), Uniform(c, -3, 3));
        var variance = Uniform(c, 0, 4);
        variance[0] = 0; // eps alone under the root
        var (scale, shift) = BatchNorm2d.Affine(gamma, beta, mean, variance, 1e-5);
        var (rScale, rShift) = BatchNorm2dReference.Affine(ToDouble(gamma), ToDouble(beta), ToDouble(mean), ToDouble(variance), 1e-5);
        // Computed in double and rounded once: within half a float ulp.
        AssertClose(rScale, scale, 6e-8, "batch-norm scale");
        AssertClose(rShift, shift, 6e-8 * 4, "batch-norm shift");
        Assert.Throws<ArgumentException>(() => BatchNorm2d.Affine(gamma, beta, mean, variance[..^1], 1e-5));
    }

    [Fact]
    public void Forward_matches_reference()
    {
        var shape = RandomShape();
        var x = Uniform(Count(shape));
        var (scale, shift) = RandomAffine(shape[1]);
        var y = Poisoned(shape);
        BatchNorm2d.Forward(Upload(x, shape), Upload(scale, shape[1]), Upload(shift, shape[1]), y);
        AssertClose(BatchNorm2dReference.Forward(ToDouble(x), shape, ToDouble(scale), ToDouble(shift)), y.ToArray(), 1e-6,
            $"batch-norm forward on {Tensor.Format(shape)}");
    }

    [Fact]
    public void Forward_in_place_matches_reference()
    {
        var shape = RandomShape();
        var x = Uniform(Count(shape));
        var (scale, shift) = RandomAffine(shape[1]);
        var t = Upload(x, shape);
        BatchNorm2d.Forward(t, Upload(scale, shape[1]), Upload(shift, shape[1]), t);
        AssertClose(BatchNorm2dReference.Forward(ToDouble(x), shape, ToDouble(scale), ToDouble(shift)), t.ToArray(), 1e-6,
            $"batch-norm forward in place on {Tensor.Format(shape)}");
    }

    [Fact]
    public void Forward_with_folded_statistics_matches_the_eval_mode_formula()
    {
        var shape = RandomShape();
        var c = shape[1];
        var x = Uniform(Count(shape), -3, 3);
        var (gamma, beta, mean, variance) = (Uniform(c, 0.5, 2), Uniform(c), Uniform(c), Uniform(c, 0.1, 3));
        var (scale, shift) = BatchNorm2d.Affine(gamma, beta, mean, variance, 1e-3);
        var y = Poisoned(shape);
        BatchNorm2d.Forward(Upload(x, shape), Upload(scale, c), Upload(shift, c), y);
        AssertClose(BatchNorm2dReference.Normalize(ToDouble(x), shape, ToDouble(gamma), ToDouble(beta), ToDouble(mean), ToDouble(variance), 1e-3),
            y.ToArray(), 1e-5, $"batch-norm (x - mean) / sqrt(var + eps) * gamma + beta on {Tensor.Format(shape)}");
    }

    [Fact]
    public void Backward_matches_reference_and_is_the_adjoint()
    {
        var shape = RandomShape();
        var (x, dy) = (Uniform(Count(shape)), Uniform(Count(shape)));
        var (scale, _) = RandomAffine(shape[1]);
        var zero = new float[shape[1]];
        var (y, dx) = (Poisoned(shape), Poisoned(shape));
        var scaleT = Upload(scale, shape[1]);
        // With zero shift the forward is linear, and the backward its adjoint.
        BatchNorm2d.Forward(Upload(x, shape), scaleT, Upload(zero, shape[1]), y);
        BatchNorm2d.BackwardInput(Upload(dy, shape), scaleT, dx);
        var what = $"batch-norm backward on {Tensor.Format(shape)}";
        var gradient = dx.ToArray();
        AssertClose(BatchNorm2dReference.BackwardInput(ToDouble(dy), shape, ToDouble(scale)), gradient, 1e-6, what);
        AssertAdjoint(x, y.ToArray(), dy, gradient, what);
    }

    [Fact]
    public void Backward_matches_finite_differences()
    {
        var shape = RandomShape();
        var (x, dy) = (Uniform(Count(shape)), Uniform(Count(shape)));
        var (scale, shift) = RandomAffine(shape[1]);
        var dx = Poisoned(shape);
        BatchNorm2d.BackwardInput(Upload(dy, shape), Upload(scale, shape[1]), dx);
        AssertGradient(v => BatchNorm2dReference.Forward(v, shape, ToDouble(scale), ToDouble(shift)), ToDouble(x), ToDouble(dy),
            dx.ToArray(), "batch-norm backward");
    }

    [Fact]
    public void Forward_and_backward_match_reference_on_large_planes()
    {
        // Planes that do not divide the CPU chunks, and enough chunks to spread over threads.
        int[] shape = [2, 7, 61, 67];
        var (x, dy) = (Uniform(Count(shape)), Uniform(Count(shape)));
        var (scale, shift) = RandomAffine(7);
        var (y, dx) = (Poisoned(shape), Poisoned(shape));
        var scaleT = Upload(scale, 7);
        BatchNorm2d.Forward(Upload(x, shape), scaleT, Upload(shift, 7), y);
        BatchNorm2d.BackwardInput(Upload(dy, shape), scaleT, dx);
        AssertClose(BatchNorm2dReference.Forward(ToDouble(x), shape, ToDouble(scale), ToDouble(shift)), y.ToArray(), 1e-6,
            "batch-norm forward on large planes");
        AssertClose(BatchNorm2dReference.BackwardInput(ToDouble(dy), shape, ToDouble(scale)), dx.ToArray(), 1e-6,
            "batch-norm backward on large planes");
    }

    [Fact]
    public void Rejects_mismatched_shapes()
    {
        var x = Upload(Uniform(2 * 3 * 4 * 5), 2, 3, 4, 5);
        var (three, four) = (Upload(Uniform(3), 3), Upload(Uniform(4), 4));
        var ex = Assert.Throws<ShapeException>(() => BatchNorm2d.Forward(x, four, three, Poisoned(2, 3, 4, 5)));
        Assert.Contains("scale", ex.Message);
        Assert.Contains("[3]", ex.Message);
        Assert.Contains("[4]", ex.Message);

        ex = Assert.Throws<ShapeException>(() => BatchNorm2d.Forward(x, three, three, Poisoned(2, 3, 5, 4)));
        Assert.Contains("output", ex.Message);
        Assert.Contains("[2, 3, 4, 5]", ex.Message);
        Assert.Contains("[2, 3, 5, 4]", ex.Message);

        ex = Assert.Throws<ShapeException>(() => BatchNorm2d.BackwardInput(x, three, Poisoned(2, 3, 4, 6)));
        Assert.Contains("input gradient", ex.Message);
        Assert.Contains("[2, 3, 4, 6]", ex.Message);

        ex = Assert.Throws<ShapeException>(() => BatchNorm2d.Forward(Upload(Uniform(6), 2, 3), three, three, Poisoned(2, 3)));
        Assert.Contains("[2, 3]", ex.Message);
    }
}
