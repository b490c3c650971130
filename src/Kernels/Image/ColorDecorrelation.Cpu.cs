using DeepVis.Kernels.Cpu;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Kernels.Image;

/// <summary>ColorDecorrelation on the cpu device: one image per work item.</summary>
public static partial class ColorDecorrelation
{
    private static void CpuApply(Tensor x, Tensor y, ColorMatrix m)
    {
        var plane = x.H * x.W;
        CpuParallel.For(x.Device, x.N, 9L * plane, n =>
        {
            var input = x.Span.Slice(n * 3 * plane, 3 * plane);
            var output = y.Span.Slice(n * 3 * plane, 3 * plane);
            for (var p = 0; p < plane; p++)
            {
                var (r, g, b) = (input[p], input[p + plane], input[p + 2 * plane]);
                output[p] = m.M00 * r + m.M01 * g + m.M02 * b;
                output[p + plane] = m.M10 * r + m.M11 * g + m.M12 * b;
                output[p + 2 * plane] = m.M20 * r + m.M21 * g + m.M22 * b;
            }
        });
    }
}
