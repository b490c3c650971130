using DeepVis.Kernels.Cpu;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Kernels.Image;

/// <summary>Gram on the cpu device: one batch item per work item, rows of contiguous positions.</summary>
public static partial class Gram
{
    private static void CpuForward(Tensor activation, Tensor gram, int channels, int positions) =>
        CpuParallel.For(activation.Device, activation.N, (long)channels * channels * positions, n =>
        {
            var a = activation.Span.Slice(n * channels * positions, channels * positions);
            var g = gram.Span.Slice(n * channels * channels, channels * channels);
            for (var c = 0; c < channels; c++)
                for (var d = 0; d < channels; d++)
                {
                    var sum = 0f;
                    for (var p = 0; p < positions; p++) sum += a[c * positions + p] * a[d * positions + p];
                    g[c * channels + d] = sum;
                }
        });

    private static void CpuBackward(Tensor activation, Tensor gramGradient, Tensor activationGradient, int channels, int positions) =>
        CpuParallel.For(activation.Device, activation.N, (long)channels * channels * positions, n =>
        {
            var a = activation.Span.Slice(n * channels * positions, channels * positions);
            var dg = gramGradient.Span.Slice(n * channels * channels, channels * channels);
            var da = activationGradient.Span.Slice(n * channels * positions, channels * positions);
            for (var c = 0; c < channels; c++)
                for (var p = 0; p < positions; p++)
                {
                    var sum = 0f;
                    for (var d = 0; d < channels; d++) sum += (dg[c * channels + d] + dg[d * channels + c]) * a[d * positions + p];
                    da[c * positions + p] = sum;
                }
        });
}
