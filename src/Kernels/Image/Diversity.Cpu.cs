using DeepVis.Kernels.Cpu;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Kernels.Image;

/// <summary>Diversity on the cpu device: the kernels' sums, one batch item per work item.</summary>
public static partial class Diversity
{
    private static void CpuPairs(Tensor gram, Tensor pairs)
    {
        var (batch, item) = (gram.N, gram.ItemLength);
        CpuParallel.For(gram.Device, batch, (long)batch * item, i =>
        {
            var g = gram.Span;
            for (var j = 0; j < batch; j++)
            {
                var sum = 0f;
                for (var k = 0; k < item; k++) sum += g[i * item + k] * g[j * item + k];
                pairs.Span[i * batch + j] = sum;
            }
        });
    }

    private static void CpuGramGradient(Tensor gram, Tensor pairs, Tensor gradient, float scale)
    {
        var (batch, item) = (gram.N, gram.ItemLength);
        var p = pairs.Span.ToArray();
        var norms = Enumerable.Range(0, batch).Select(i => MathF.Sqrt(MathF.Max(p[i * batch + i], Epsilon))).ToArray();
        CpuParallel.For(gram.Device, batch, (long)batch * item, i =>
        {
            var g = gram.Span;
            var output = gradient.Span;
            var sDotGi = 0f;
            for (var j = 0; j < batch; j++) sDotGi += p[i * batch + j] / (norms[i] * norms[j]);
            for (var k = 0; k < item; k++)
            {
                var s = 0f;
                for (var j = 0; j < batch; j++) s += g[j * item + k] / norms[j];
                var gi = g[i * item + k] / norms[i];
                output[i * item + k] = scale * 2f / (batch * norms[i]) * (s - gi - (sDotGi - 1f) * gi);
            }
        });
    }
}
