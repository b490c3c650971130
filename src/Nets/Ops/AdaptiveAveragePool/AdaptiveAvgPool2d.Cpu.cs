using DeepVis.Kernels.Cpu;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Ops;

/// <summary>Adaptive average pooling on the cpu device: one plane per work item; the backward scatters each bin's share of dy.</summary>
public static partial class AdaptiveAvgPool2d
{
    private static void CpuForward(Tensor x, Tensor y, AdaptiveGeometry g) =>
        CpuParallel.ForEachPlane(x, g.H * g.W, y, g.OutH * g.OutW, g.H * g.W + (long)g.OutH * g.OutW, (_, xs, ys) =>
        {
            for (var oh = 0; oh < g.OutH; oh++)
            {
                var (h0, h1) = (BinStart(oh, g.H, g.OutH), BinEnd(oh, g.H, g.OutH));
                for (var ow = 0; ow < g.OutW; ow++)
                {
                    var (w0, w1) = (BinStart(ow, g.W, g.OutW), BinEnd(ow, g.W, g.OutW));
                    ys[oh * g.OutW + ow] = AvgPool2d.WindowSum(xs, g.W, h0, h1, w0, w1) / ((h1 - h0) * (w1 - w0));
                }
            }
        });

    /// <summary>
    /// Scatters per plane: bins are visited in row-major order, so every dx element receives its
    /// bins' shares in the order the ILGPU gather sums them.
    /// </summary>
    private static void CpuBackward(Tensor dy, Tensor dx, AdaptiveGeometry g) =>
        CpuParallel.ForEachPlane(dy, g.OutH * g.OutW, dx, g.H * g.W, g.H * g.W + (long)g.OutH * g.OutW, (_, dys, dxs) =>
        {
            dxs.Clear();
            for (var oh = 0; oh < g.OutH; oh++)
            {
                var (h0, h1) = (BinStart(oh, g.H, g.OutH), BinEnd(oh, g.H, g.OutH));
                for (var ow = 0; ow < g.OutW; ow++)
                {
                    var (w0, w1) = (BinStart(ow, g.W, g.OutW), BinEnd(ow, g.W, g.OutW));
                    AvgPool2d.WindowAdd(dxs, g.W, h0, h1, w0, w1, dys[oh * g.OutW + ow] / ((h1 - h0) * (w1 - w0)));
                }
            }
        });
}
