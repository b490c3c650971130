using DeepVis.Kernels.Cpu;
using System.Numerics.Tensors;
using Tensor = DeepVis.Kernels.Runtime.Tensor;
using DeepVis.Kernels.Update;

namespace DeepVis.Kernels.Image;

/// <summary>Per-channel normalization on the cpu device.</summary>
public static partial class Normalize
{
    /// <summary>One piece of one image plane, with its channel's mean and std.</summary>
    private delegate void PlaneOperation(ReadOnlySpan<float> input, float mean, float std, Span<float> output);

    private static void CpuForward(Tensor x, ChannelStats stats, Tensor y) =>
        CpuPlanes(x, stats, y, static (input, mean, std, output) =>
        {
            TensorPrimitives.Subtract(input, mean, output);
            TensorPrimitives.Divide(output, std, output);
        });

    private static void CpuDenormalize(Tensor y, ChannelStats stats, Tensor x) =>
        CpuPlanes(y, stats, x, static (input, mean, std, output) => ScaleShift(input, mean, std, output));

    private static void CpuDivide(Tensor input, ChannelStats stats, Tensor output) =>
        CpuPlanes(input, stats, output, static (input, _, std, output) => TensorPrimitives.Divide(input, std, output));

    private static void CpuMultiply(Tensor input, ChannelStats stats, Tensor output) =>
        CpuPlanes(input, stats, output, static (input, _, std, output) => TensorPrimitives.Multiply(input, std, output));

    /// <summary>In place: x = (clamp(x * std + mean, 0, range) - mean) / std; NaN stays NaN.</summary>
    private static void CpuClamp(Tensor x, ChannelStats stats, float range) =>
        CpuPlanes(x, stats, x, (_, mean, std, output) =>
        {
            ScaleShift(output, mean, std, output);
            TensorPrimitives.Max(output, 0f, output);
            TensorPrimitives.Min(output, range, output);
            TensorPrimitives.Subtract(output, mean, output);
            TensorPrimitives.Divide(output, std, output);
        });

    /// <summary>output = input * std + mean (rounded after the product, as the ILGPU kernel).</summary>
    private static void ScaleShift(ReadOnlySpan<float> input, float mean, float std, Span<float> output)
    {
        TensorPrimitives.Multiply(input, std, output);
        TensorPrimitives.Add(output, mean, output);
    }

    /// <summary>operation over [N, C, H, W] in pieces that each lie inside one plane (n, c).</summary>
    private static void CpuPlanes(Tensor input, ChannelStats stats, Tensor output, PlaneOperation operation) =>
        CpuParallel.ForSegments(input.Device, input.Length, input.H * input.W, (plane, start, length) =>
        {
            var c = plane % input.C;
            operation(input.Span.Slice(start, length), stats.MeanValues[c], stats.StdValues[c], output.Span.Slice(start, length));
        });
}
