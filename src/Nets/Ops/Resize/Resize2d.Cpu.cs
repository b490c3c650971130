using DeepVis.Kernels.Cpu;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Ops;

/// <summary>Resizing on the cpu device: one plane per work item, each axis's taps computed once per call.</summary>
public static partial class Resize2d
{
    private static void CpuForward(Tensor x, Tensor y, ResizeGeometry g)
    {
        var rows = Enumerable.Range(0, g.OutH).Select(g.Row).ToArray();
        var cols = Enumerable.Range(0, g.OutW).Select(g.Column).ToArray();
        CpuParallel.ForEachPlane(x, g.H * g.W, y, g.OutH * g.OutW, 4L * g.OutH * g.OutW, (_, xs, ys) =>
        {
            for (var oh = 0; oh < g.OutH; oh++)
            {
                var r = rows[oh];
                var top = xs.Slice(r.I0 * g.W, g.W);
                var bottom = xs.Slice(r.I1 * g.W, g.W);
                for (var ow = 0; ow < g.OutW; ow++)
                {
                    var c = cols[ow];
                    ys[oh * g.OutW + ow] = (1 - r.F) * ((1 - c.F) * top[c.I0] + c.F * top[c.I1]) + r.F * ((1 - c.F) * bottom[c.I0] + c.F * bottom[c.I1]);
                }
            }
        });
    }

    /// <summary>The ILGPU kernel's gather, in its order, per plane.</summary>
    private static void CpuBackward(Tensor dy, Tensor dx, ResizeGeometry g)
    {
        var rows = Enumerable.Range(0, g.OutH).Select(g.Row).ToArray();
        var cols = Enumerable.Range(0, g.OutW).Select(g.Column).ToArray();
        var rowRuns = Enumerable.Range(0, g.H).Select(h => (g.FirstRow(h), g.LastRow(h))).ToArray();
        var colRuns = Enumerable.Range(0, g.W).Select(w => (g.FirstColumn(w), g.LastColumn(w))).ToArray();
        CpuParallel.ForEachPlane(dy, g.OutH * g.OutW, dx, g.H * g.W, 4L * g.OutH * g.OutW, (_, dys, dxs) =>
        {
            for (var h = 0; h < g.H; h++)
            {
                for (var w = 0; w < g.W; w++)
                {
                    var sum = 0f;
                    for (var oh = rowRuns[h].Item1; oh <= rowRuns[h].Item2; oh++)
                    {
                        var row = 0f;
                        for (var ow = colRuns[w].Item1; ow <= colRuns[w].Item2; ow++) row += cols[ow].Weight(w) * dys[oh * g.OutW + ow];
                        sum += rows[oh].Weight(h) * row;
                    }
                    dxs[h * g.W + w] = sum;
                }
            }
        });
    }
}
