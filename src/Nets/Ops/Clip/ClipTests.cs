using DeepVis.Ops;
using DeepVis.Kernels.Unary;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

/// <summary>
/// Clip through the tests every element-wise function shares, for ReLU6, hardtanh and a one-sided
/// clip, with inputs exactly on the bounds (gradient 0 there, as PyTorch's); the pass-through gradient
/// of the layer; bounds refused.
/// </summary>
public abstract class ClipTests(DeviceFixture fixture, Implementation implementation) : UnaryFunctionTests<Clip>(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : ClipTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : ClipTests(fixture, Implementation.Ilgpu);

    protected override IReadOnlyList<UnaryCase<Clip>> Cases { get; } =
        [Case(0f, 6f, "relu6"), Case(-1f, 1f, "hardtanh"), Case(-0.25f, float.PositiveInfinity, null)];

    private static UnaryCase<Clip> Case(float min, float max, string? torch) =>
        new($"clip [{min}, {max}]", new Clip(min, max), x => ClipReference.Forward(x, min, max),
            (x, dy) => ClipReference.Backward(x, dy, min, max, false), float.IsFinite(max) ? [min, max] : [min], torch);

    [Fact]
    public void The_layers_pass_through_gradient_is_the_output_gradient_everywhere()
    {
        int[] shape = [2, 3, 5, 7];
        var length = shape.Aggregate(1, (a, b) => a * b);
        var (x, dy) = (Uniform(length, -3, 9), Uniform(length));
        var layer = new ClipLayer(0, 6) { Gradient = ReluGradient.PassThrough };
        var (input, y, dx) = (Upload(x, shape), Poisoned(shape), Poisoned(shape));
        layer.Forward(input, y);
        layer.Backward(input, y, Upload(dy, shape), dx);
        AssertClose(ClipReference.Backward(ToDouble(x), ToDouble(dy), 0, 6, true), dx.ToArray(), 0, "relu6 pass-through backward");
        var gradient = Upload(dy, shape);
        layer.Backward(input, y, gradient, gradient);
        AssertClose(ToDouble(dy), gradient.ToArray(), 0, "relu6 pass-through backward in place");
    }

    [Fact]
    public void Rejects_bounds_that_are_out_of_order_or_nan()
    {
        Assert.Contains("min", Assert.Throws<ArgumentException>(() => new Clip(6, 0)).Message);
        Assert.Throws<ArgumentException>(() => new Clip(float.NaN, 1));
        Assert.Throws<ArgumentException>(() => new Clip(0, float.NaN));
        // The forward itself through the generic kernels, on both implementations.
        var y = Poisoned(1, 1, 1, 3);
        UnaryKernels.Forward(new Clip(0, 6), Upload([-1f, 3f, 7f], 1, 1, 1, 3), y);
        AssertClose([0, 3, 6], y.ToArray(), 0, "relu6");
    }
}
