using DeepVis.Kernels.Runtime;
using DeepVis.Ops;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

/// <summary>The linear layer's kernels along the last axis of an N-D value (MatMulLayer), every position checked as a row of the linear reference.</summary>
public abstract class MatMulTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : MatMulTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : MatMulTests(fixture, Implementation.Ilgpu);

    [Fact]
    public void Forward_and_backward_along_the_last_axis_match_the_linear_reference()
    {
        var (inputs, outputs) = (Between(1, 11), Between(1, 9));
        int[] shape = [Between(2, 3), Between(1, 4), Between(1, 5), inputs];
        var rows = shape[0] * shape[1] * shape[2];
        int[] outShape = [shape[0], shape[1], shape[2], outputs];
        var (x, w, b, dy) = (Uniform(rows * inputs), Uniform(outputs * inputs), Uniform(outputs), Uniform(rows * outputs));
        var (y, dx) = (Poisoned(outShape), Poisoned(shape));
        var layer = new MatMulLayer(Upload(w, outputs, inputs), Upload(b, outputs));
        Assert.Equal(outShape, layer.OutputShape(shape));
        layer.Forward(Upload(x, shape), y);
        layer.Backward(Upload(x, shape), y, Upload(dy, outShape), dx);
        var what = $"matmul {Tensor.Format(shape)} by [{outputs}, {inputs}]";
        double[] Reference(double[] v) => LinearReference.Forward(v, rows, inputs, ToDouble(w), ToDouble(b), outputs);
        AssertClose(Reference(ToDouble(x)), y.ToArray(), 1e-5, what);
        AssertGradient(Reference, ToDouble(x), ToDouble(dy), dx.ToArray(), $"{what}, backward");
    }

    [Fact]
    public void Many_rows_match_the_linear_reference()
    {
        // ConvNeXt-Tiny's block.3 at 28x28: 1568 rows, spread over threads in blocks on the CPU.
        int[] shape = [2, 28, 28, 96];
        var rows = 2 * 28 * 28;
        var (x, w, b, dy) = (Uniform(rows * 96), Uniform(384 * 96), Uniform(384), Uniform(rows * 384));
        var (y, dx) = (Poisoned(2, 28, 28, 384), Poisoned(shape));
        var layer = new MatMulLayer(Upload(w, 384, 96), Upload(b, 384));
        layer.Forward(Upload(x, shape), y);
        layer.Backward(Upload(x, shape), y, Upload(dy, 2, 28, 28, 384), dx);
        AssertClose(LinearReference.Forward(ToDouble(x), rows, 96, ToDouble(w), ToDouble(b), 384), y.ToArray(), 1e-4, "large matmul");
        AssertClose(LinearReference.BackwardInput(ToDouble(dy), rows, 96, ToDouble(w), 384), dx.ToArray(), 1e-4, "large matmul backward");
    }

    [Fact]
    public void Rejects_a_last_axis_that_does_not_fit()
    {
        var layer = new MatMulLayer(Upload(Uniform(12), 3, 4), Upload(Uniform(3), 3));
        Assert.Equal("Linear 4->3, last axis: input [2, 5, 5] has no last axis of 4", Assert.Throws<ShapeException>(() => layer.OutputShape([2, 5, 5])).Message);
        var ex = Assert.Throws<ShapeException>(() => Linear.ForwardLastAxis(Upload(Uniform(10), 2, 5), layer.Weight, layer.Bias, Poisoned(2, 3)));
        Assert.Equal("matmul input: shape [2, 5] has 5 values along its last axis, but the weight [3, 4] takes 4", ex.Message);
    }
}
