using DeepVis.Kernels.Cpu;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Kernels.Image;

/// <summary>AffineSample on the cpu device: the kernels' arithmetic, one plane per work item.</summary>
public static partial class AffineSample
{
    private static float[] Map(Tensor maps, Geometry g, int image) =>
        maps.Span.Slice((g.First + image) * Coefficients, Coefficients).ToArray();

    private static void CpuForward(Tensor x, Tensor y, Tensor maps, Geometry g)
    {
        var (inPlane, outPlane) = (g.InHeight * g.InWidth, g.OutHeight * g.OutWidth);
        CpuParallel.For(x.Device, x.N * x.C, 16L * outPlane, p =>
        {
            var a = Map(maps, g, p / x.C);
            var input = x.Span.Slice(p * inPlane, inPlane);
            var output = y.Span.Slice(p * outPlane, outPlane);
            for (var row = 0; row < g.OutHeight; row++)
                for (var j = 0; j < g.OutWidth; j++)
                {
                    var sx = a[0] * j + a[1] * row + a[2];
                    var sy = a[3] * j + a[4] * row + a[5];
                    var (x0, y0) = ((int)MathF.Floor(sx), (int)MathF.Floor(sy));
                    var sum = 0f;
                    for (var dy = 0; dy < 2; dy++)
                        for (var dx = 0; dx < 2; dx++)
                        {
                            var (px, py) = (x0 + dx, y0 + dy);
                            var weight = Tent(sx - px) * Tent(sy - py);
                            var inside = px >= 0 && px < g.InWidth && py >= 0 && py < g.InHeight;
                            sum += weight * (inside ? input[py * g.InWidth + px] : g.Padding);
                        }
                    output[row * g.OutWidth + j] = sum;
                }
        });
    }

    /// <summary>The adjoint as a scatter, which is exact here: one plane per work item, visited in a fixed order.</summary>
    private static void CpuBackward(Tensor dy, Tensor dx, Tensor maps, Geometry g)
    {
        var (inPlane, outPlane) = (g.InHeight * g.InWidth, g.OutHeight * g.OutWidth);
        CpuParallel.For(dx.Device, dx.N * dx.C, 16L * outPlane, p =>
        {
            var a = Map(maps, g, p / dx.C);
            var gradient = dy.Span.Slice(p * outPlane, outPlane);
            var output = dx.Span.Slice(p * inPlane, inPlane);
            output.Clear();
            for (var row = 0; row < g.OutHeight; row++)
                for (var j = 0; j < g.OutWidth; j++)
                {
                    var sx = a[0] * j + a[1] * row + a[2];
                    var sy = a[3] * j + a[4] * row + a[5];
                    var (x0, y0) = ((int)MathF.Floor(sx), (int)MathF.Floor(sy));
                    for (var oy = 0; oy < 2; oy++)
                        for (var ox = 0; ox < 2; ox++)
                        {
                            var (px, py) = (x0 + ox, y0 + oy);
                            if (px >= 0 && px < g.InWidth && py >= 0 && py < g.InHeight)
                                output[py * g.InWidth + px] += Tent(sx - px) * Tent(sy - py) * gradient[row * g.OutWidth + j];
                        }
                }
        });
    }
}
