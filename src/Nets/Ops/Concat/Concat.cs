using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Runtime;

namespace DeepVis.Ops;

/// <summary>
/// Concatenation along channels (axis 1) of NCHW tensors with the same N, H and W (GoogLeNet's and
/// Inception's branches, DenseNet's growing feature stack, SqueezeNet's expand layers). Forward copies
/// each input into its channel slice of y, backward copies each slice of dy out to its input's
/// gradient: one launch per input, one thread per element of that input.
/// </summary>
public static partial class Concat
{
    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Slice> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Slice>(ForwardKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Slice> Backward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Slice>(BackwardKernel);
    }

    /// <summary>Where one input's items lie in the output's items: <see cref="Part"/> elements at <see cref="Start"/> of every <see cref="Whole"/>.</summary>
    internal struct Slice
    {
        public int Part, Whole, Start;
    }

    /// <summary>The output shape [N, sum of C, H, W] of concatenating NCHW shapes along channels.</summary>
    public static int[] OutputShape(IReadOnlyList<IReadOnlyList<int>> inputs)
    {
        if (inputs.Count == 0) throw new ArgumentException("concat: needs at least one input");
        var first = inputs[0];
        if (first.Count != 4)
            throw new ShapeException($"concat input 0: expected a rank-4 (NCHW) tensor, got shape {Tensor.Format(first)}");
        var channels = 0;
        for (var k = 0; k < inputs.Count; k++)
        {
            var shape = inputs[k];
            if (shape.Count != 4 || shape[0] != first[0] || shape[2] != first[2] || shape[3] != first[3])
                throw new ShapeException(
                    $"concat input {k}: shape {Tensor.Format(shape)} does not fit [{first[0]}, *, {first[2]}, {first[3]}] of input 0 " +
                    $"(inputs {string.Join(", ", inputs.Select(Tensor.Format))}: N, H and W must agree)");
            channels += shape[1];
        }
        return [first[0], channels, first[2], first[3]];
    }

    /// <summary>y[:, offset_k .. offset_k + C_k] = inputs[k] for every input, in order along channels.</summary>
    public static void Forward(IReadOnlyList<Tensor> inputs, Tensor y)
    {
        var slices = Slices(inputs, y, "concat output");
        if (y.Device.Ilgpu<Loaded>() is not { } kernels)
        {
            CpuForward(inputs, y, slices);
            return;
        }
        for (var k = 0; k < inputs.Count; k++) kernels.Forward(inputs[k].Length, inputs[k].View, y.View, slices[k]);
    }

    /// <summary>dxs[k] = dy[:, offset_k .. offset_k + C_k]: each input's gradient is its slice of dy.</summary>
    public static void BackwardInput(Tensor dy, IReadOnlyList<Tensor> dxs)
    {
        var slices = Slices(dxs, dy, "concat output gradient");
        if (dy.Device.Ilgpu<Loaded>() is not { } kernels)
        {
            CpuBackwardInput(dy, dxs, slices);
            return;
        }
        for (var k = 0; k < dxs.Count; k++) kernels.Backward(dxs[k].Length, dy.View, dxs[k].View, slices[k]);
    }

    /// <summary>Checks the parts against the whole and says where each part lies in an item of it.</summary>
    private static Slice[] Slices(IReadOnlyList<Tensor> parts, Tensor whole, string what)
    {
        var shape = OutputShape(parts.Select(p => p.Shape).ToList());
        if (!whole.HasShape(shape))
            throw new ShapeException(
                $"{what}: expected shape {Tensor.Format(shape)} (channels {string.Join(" + ", parts.Select(p => p.Shape[1]))}), got {whole.ShapeText}");
        var plane = shape[2] * shape[3];
        var slices = new Slice[parts.Count];
        var start = 0;
        for (var k = 0; k < parts.Count; k++)
        {
            slices[k] = new Slice { Part = parts[k].Shape[1] * plane, Whole = shape[1] * plane, Start = start };
            start += slices[k].Part;
        }
        return slices;
    }

    private static void ForwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, Slice s)
    {
        int index = i;
        y[index / s.Part * s.Whole + s.Start + index % s.Part] = x[index];
    }

    private static void BackwardKernel(Index1D i, ArrayView<float> dy, ArrayView<float> dx, Slice s)
    {
        int index = i;
        dx[index] = dy[index / s.Part * s.Whole + s.Start + index % s.Part];
    }
}
