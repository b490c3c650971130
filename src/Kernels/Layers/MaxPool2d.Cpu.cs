using DeepVis.Kernels.Cpu;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Kernels.Layers;

/// <summary>Max pooling on the cpu device: one plane per work item; the backward scatters each window's dy to its arg-max.</summary>
public static partial class MaxPool2d
{
    private static void CpuForward(Tensor x, Tensor y, Pool2dGeometry g) =>
        CpuParallel.ForEachPlane(x, g.H * g.W, y, g.OutH * g.OutW, (long)g.OutH * g.OutW * g.KernelH * g.KernelW, (_, xs, ys) =>
        {
            for (var oh = 0; oh < g.OutH; oh++)
            {
                var row = ys.Slice(oh * g.OutW, g.OutW);
                for (var ow = 0; ow < g.OutW; ow++)
                {
                    Window(oh, ow, g, out var h0, out var h1, out var w0, out var w1);
                    // MathF.Max (branch-free, NaN wins) ranks -0 below +0, where the first maximum is
                    // the first zero: only those windows look their maximum up.
                    var max = WindowMax(xs, g.W, h0, h1, w0, w1);
                    row[ow] = max == 0f ? xs[ArgMax(xs, g.W, h0, h1, w0, w1)] : max;
                }
            }
        });

    /// <summary>
    /// Scatters per plane: windows are visited in row-major order, so every dx element receives its
    /// windows' dy in the order the ILGPU gather sums them.
    /// </summary>
    private static void CpuBackward(Tensor x, Tensor dy, Tensor dx, Pool2dGeometry g) =>
        CpuParallel.ForEachPlane(dy, g.OutH * g.OutW, dx, g.H * g.W, g.H * g.W + (long)g.OutH * g.OutW * g.KernelH * g.KernelW, (p, dys, dxs) =>
        {
            var xs = x.Span.Slice(p * g.H * g.W, g.H * g.W);
            dxs.Clear();
            for (var oh = 0; oh < g.OutH; oh++)
            {
                var row = dys.Slice(oh * g.OutW, g.OutW);
                for (var ow = 0; ow < g.OutW; ow++)
                {
                    Window(oh, ow, g, out var h0, out var h1, out var w0, out var w1);
                    dxs[ArgMax(xs, g.W, h0, h1, w0, w1)] += row[ow];
                }
            }
        });

    /// <summary>Window (oh, ow) clipped to the input: rows h0..h1 and columns w0..w1, ends excluded.</summary>
    private static void Window(int oh, int ow, in Pool2dGeometry g, out int h0, out int h1, out int w0, out int w1)
    {
        h0 = oh * g.StrideH - g.PadH;
        w0 = ow * g.StrideW - g.PadW;
        h1 = Math.Min(h0 + g.KernelH, g.H);
        w1 = Math.Min(w0 + g.KernelW, g.W);
        h0 = Math.Max(h0, 0);
        w0 = Math.Max(w0, 0);
    }

    private static float WindowMax(ReadOnlySpan<float> plane, int width, int h0, int h1, int w0, int w1)
    {
        var max = float.NegativeInfinity;
        for (var h = h0; h < h1; h++)
        {
            foreach (var value in plane.Slice(h * width + w0, w1 - w0)) max = MathF.Max(max, value);
        }
        return max;
    }

    /// <summary>The offset of a window's first maximum in its plane, picked as the ILGPU kernels pick it: strictly greater wins, NaN always wins.</summary>
    private static int ArgMax(ReadOnlySpan<float> plane, int width, int h0, int h1, int w0, int w1)
    {
        var best = h0 * width + w0;
        var max = float.NegativeInfinity;
        for (var h = h0; h < h1; h++)
        {
            var row = plane.Slice(h * width, w1);
            for (var w = w0; w < w1; w++)
            {
                var value = row[w];
                if (value > max || float.IsNaN(value))
                {
                    max = value;
                    best = h * width + w;
                }
            }
        }
        return best;
    }
}
