using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Runtime;

namespace DeepVis.Ops;

/// <summary>
/// A strided run of one axis: y[.., j, ..] = x[.., start + j * step, ..] for j below count (ShuffleNet's
/// x.chunk(2, dim=1), ONNX Slice, Split and Gather of constant indices). The axis is read in the input's
/// layout as [outer, side, inner]; y holds outer * count * inner elements in that order, whatever its
/// shape (a Gather drops the axis). Backward writes every element of dx: dy where the slice took it, zero
/// elsewhere.
/// </summary>
public static partial class Slice
{
    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Run> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Run>(ForwardKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Run> Backward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Run>(BackwardKernel);
    }

    /// <summary>The input read as [outer, side, inner]; the slice takes count positions of side from start, step apart.</summary>
    internal struct Run
    {
        public int Side, Inner, Start, Count, Step;
    }

    /// <summary>How many positions a slice of a side-long axis from <paramref name="start"/> below <paramref name="end"/> takes with <paramref name="step"/>.</summary>
    public static int Count(int side, int start, int end, int step) => Math.Max(0, (Math.Min(end, side) - start + step - 1) / step);

    /// <summary>The input's shape with axis <paramref name="axis"/> cut to the slice (or removed, <paramref name="squeeze"/>, when one position is taken).</summary>
    public static int[] OutputShape(IReadOnlyList<int> input, int axis, int start, int end, int step, bool squeeze)
    {
        if (axis < 1 || axis >= input.Count)
            throw new ShapeException($"slice of {Tensor.Format(input)}: axis {axis} is not an axis after the batch");
        var count = step < 1 || start < 0 ? 0 : Count(input[axis], start, end, step);
        if (count == 0 || (squeeze && count != 1))
            throw new ShapeException($"slice of {Tensor.Format(input)}: positions {start} to {end} step {step} of axis {axis} (side {input[axis]}) take {count}, expected {(squeeze ? "exactly 1" : "at least 1")}");
        int[] shape = [.. input];
        shape[axis] = count;
        return squeeze ? [.. shape.Where((_, d) => d != axis)] : shape;
    }

    public static void Forward(Tensor x, Tensor y, int axis, int start, int end, int step)
    {
        var run = Check(x, y, axis, start, end, step, "slice output");
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Forward(y.Length, x.View, y.View, run);
        else CpuForward(x, y, run);
    }

    /// <summary>dx = dy at the sliced positions, 0 elsewhere; <paramref name="dx"/> has the input's shape.</summary>
    public static void Backward(Tensor dy, Tensor dx, int axis, int start, int end, int step)
    {
        var run = Check(dx, dy, axis, start, end, step, "slice output gradient");
        if (dx.Device.Ilgpu<Loaded>() is { } kernels) kernels.Backward(dx.Length, dy.View, dx.View, run);
        else CpuBackward(dy, dx, run);
    }

    private static Run Check(Tensor whole, Tensor part, int axis, int start, int end, int step, string what)
    {
        var shape = OutputShape(whole.Shape, axis, start, end, step, false);
        var length = shape.Aggregate(1, (a, b) => a * b);
        if (part.Length != length || part.N != whole.N)
            throw new ShapeException($"{what}: expected the {length} elements of {Tensor.Format(shape)}, got {part.ShapeText}");
        return new Run
        {
            Side = whole.Shape[axis], Inner = whole.Shape.Skip(axis + 1).Aggregate(1, (a, b) => a * b),
            Start = start, Count = shape[axis], Step = step,
        };
    }

    private static void ForwardKernel(Index1D index, ArrayView<float> x, ArrayView<float> y, Run r)
    {
        int i = index;
        var k = i % r.Inner;
        var j = i / r.Inner % r.Count;
        var o = i / r.Inner / r.Count;
        y[i] = x[(o * r.Side + r.Start + j * r.Step) * r.Inner + k];
    }

    private static void BackwardKernel(Index1D index, ArrayView<float> dy, ArrayView<float> dx, Run r)
    {
        int i = index;
        var k = i % r.Inner;
        var d = i / r.Inner % r.Side - r.Start;
        var o = i / r.Inner / r.Side;
        var j = d / r.Step;
        dx[i] = d >= 0 && d % r.Step == 0 && j < r.Count ? dy[(o * r.Count + j) * r.Inner + k] : 0f;
    }
}
