using DeepVis.Kernels.Cpu;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Ops;

/// <summary>Padding on the cpu device: one plane per work item, each row copied in one run with its border filled beside it.</summary>
public static partial class Pad2d
{
    private static void CpuForward(Tensor x, Tensor y, PadGeometry g) =>
        CpuParallel.ForEachPlane(x, g.H * g.W, y, g.OutH * g.OutW, (long)g.OutH * g.OutW, (_, xs, ys) =>
        {
            for (var oh = 0; oh < g.OutH; oh++)
            {
                var row = ys.Slice(oh * g.OutW, g.OutW);
                var h = PadGeometry.Source(oh - g.Top, g.H, g.Mode);
                if (h < 0)
                {
                    row.Fill(g.Value);
                    continue;
                }
                var source = xs.Slice(h * g.W, g.W);
                source.CopyTo(row.Slice(g.Left));
                for (var ow = 0; ow < g.Left; ow++) row[ow] = Border(source, ow - g.Left, g);
                for (var ow = g.Left + g.W; ow < g.OutW; ow++) row[ow] = Border(source, ow - g.Left, g);
            }
        });

    private static float Border(ReadOnlySpan<float> row, int w, in PadGeometry g) =>
        PadGeometry.Source(w, g.W, g.Mode) is var at and >= 0 ? row[at] : g.Value;

    /// <summary>The ILGPU kernel's gather, in its order, per plane.</summary>
    private static void CpuBackward(Tensor dy, Tensor dx, PadGeometry g) =>
        CpuParallel.ForEachPlane(dy, g.OutH * g.OutW, dx, g.H * g.W, (long)g.OutH * g.OutW, (_, dys, dxs) =>
        {
            for (var h = 0; h < g.H; h++)
            {
                var rows = PadGeometry.Targets(h, g.H, g.Top, g.OutH, g.Mode);
                for (var w = 0; w < g.W; w++)
                {
                    var cols = PadGeometry.Targets(w, g.W, g.Left, g.OutW, g.Mode);
                    var sum = 0f;
                    for (var r = 0; r < 3; r++)
                        for (var oh = rows.Start(r); oh < rows.End(r); oh++)
                            for (var c = 0; c < 3; c++)
                                for (var ow = cols.Start(c); ow < cols.End(c); ow++) sum += dys[oh * g.OutW + ow];
                    dxs[h * g.W + w] = sum;
                }
            }
        });
}
