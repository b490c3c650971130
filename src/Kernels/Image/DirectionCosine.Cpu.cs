using DeepVis.Kernels.Cpu;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Kernels.Image;

/// <summary>DirectionCosine on the cpu device: one batch item per work item, the same <see cref="Factors"/> per position.</summary>
public static partial class DirectionCosine
{
    private static Factors At(ReadOnlySpan<float> item, ReadOnlySpan<float> v, int p, Sizes s)
    {
        float dot = 0f, squares = 0f, norm = 0f;
        for (var c = 0; c < s.Channels; c++)
        {
            var x = item[c * s.Positions + p];
            dot += x * v[c];
            squares += x * x;
            norm += v[c] * v[c];
        }
        return new Factors(dot, MathF.Sqrt(squares), MathF.Sqrt(norm), s.Power);
    }

    private static void CpuValues(Tensor activation, Tensor direction, Tensor values, Sizes s) =>
        CpuParallel.For(activation.Device, activation.N, 3L * activation.ItemLength, n =>
        {
            var item = activation.Span.Slice(n * activation.ItemLength, activation.ItemLength);
            var output = values.Span.Slice(n * s.Positions, s.Positions);
            for (var p = 0; p < s.Positions; p++) output[p] = At(item, direction.Span, p, s).Value;
        });

    private static void CpuAddGradient(Tensor activation, Tensor direction, Tensor gradient, Sizes s) =>
        CpuParallel.For(activation.Device, activation.N, 5L * activation.ItemLength, n =>
        {
            if (s.Item >= 0 && n != s.Item) return;
            var item = activation.Span.Slice(n * activation.ItemLength, activation.ItemLength);
            var output = gradient.Span.Slice(n * activation.ItemLength, activation.ItemLength);
            var v = direction.Span;
            for (var p = 0; p < s.Positions; p++)
            {
                var f = At(item, v, p, s);
                for (var c = 0; c < s.Channels; c++)
                    output[c * s.Positions + p] += s.Scale * (v[c] * f.Weight + f.Chain * (v[c] / f.Denominator - f.Radial * item[c * s.Positions + p]));
            }
        });
}
