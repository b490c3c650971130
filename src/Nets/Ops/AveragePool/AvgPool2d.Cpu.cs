using DeepVis.Kernels.Cpu;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Ops;

/// <summary>
/// Average pooling on the cpu device: one plane per work item; the backward scatters each window's
/// share of dy. Also the window helpers of the cpu device's other pooling ops.
/// </summary>
public static partial class AvgPool2d
{
    private static void CpuForward(Tensor x, Tensor y, Pool2dGeometry g) =>
        CpuParallel.ForEachPlane(x, g.H * g.W, y, g.OutH * g.OutW, (long)g.OutH * g.OutW * g.KernelH * g.KernelW, (_, xs, ys) =>
        {
            for (var oh = 0; oh < g.OutH; oh++)
            {
                for (var ow = 0; ow < g.OutW; ow++)
                {
                    var divisor = Window(oh, ow, g, out var h0, out var h1, out var w0, out var w1);
                    ys[oh * g.OutW + ow] = divisor == 0 ? 0f : WindowSum(xs, g.W, h0, h1, w0, w1) / divisor;
                }
            }
        });

    /// <summary>
    /// Scatters per plane: windows are visited in row-major order, so every dx element receives its
    /// windows' shares in the order the ILGPU gather sums them.
    /// </summary>
    private static void CpuBackward(Tensor dy, Tensor dx, Pool2dGeometry g) =>
        CpuParallel.ForEachPlane(dy, g.OutH * g.OutW, dx, g.H * g.W, g.H * g.W + (long)g.OutH * g.OutW * g.KernelH * g.KernelW, (_, dys, dxs) =>
        {
            dxs.Clear();
            for (var oh = 0; oh < g.OutH; oh++)
            {
                for (var ow = 0; ow < g.OutW; ow++)
                {
                    var divisor = Window(oh, ow, g, out var h0, out var h1, out var w0, out var w1);
                    if (divisor != 0) WindowAdd(dxs, g.W, h0, h1, w0, w1, dys[oh * g.OutW + ow] / divisor);
                }
            }
        });

    /// <summary>The sum of a plane (rows of <paramref name="width"/>) over rows h0..h1 and columns w0..w1 (ends excluded), row by row.</summary>
    internal static float WindowSum(ReadOnlySpan<float> plane, int width, int h0, int h1, int w0, int w1)
    {
        var sum = 0f;
        for (var h = h0; h < h1; h++)
        {
            foreach (var value in plane.Slice(h * width + w0, w1 - w0)) sum += value;
        }
        return sum;
    }

    /// <summary>Adds <paramref name="value"/> to a plane over rows h0..h1 and columns w0..w1 (ends excluded).</summary>
    internal static void WindowAdd(Span<float> plane, int width, int h0, int h1, int w0, int w1, float value)
    {
        for (var h = h0; h < h1; h++)
        {
            foreach (ref var cell in plane.Slice(h * width + w0, w1 - w0)) cell += value;
        }
    }
}
