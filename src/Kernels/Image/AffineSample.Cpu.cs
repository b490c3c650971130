using DeepVis.Kernels.Cpu;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Kernels.Image;

/// <summary>AffineSample on the cpu device: the kernels' arithmetic, the four weights once per output pixel (for all channels in the forward).</summary>
public static partial class AffineSample
{
    private static float[] Map(Tensor maps, Geometry g, int image) =>
        maps.Span.Slice((g.First + image) * Coefficients, Coefficients).ToArray();

    /// <summary>
    /// Output pixel (row, j)'s sample: the top-left neighbour (X, Y), its index when all four
    /// neighbours are inside the input, and the four bilinear weights W[dy][dx] = tent(sx - X - dx) tent(sy - Y - dy),
    /// the kernels' products, so that the interior needs no bounds test per neighbour.
    /// </summary>
    private readonly struct Sample(int x, int y, bool inside, int at, float w00, float w01, float w10, float w11)
    {
        public readonly int X = x, Y = y, At = at;
        public readonly bool Inside = inside;
        public readonly float W00 = w00, W01 = w01, W10 = w10, W11 = w11;
    }

    private static Sample Locate(float[] a, Geometry g, int row, int j)
    {
        var sx = a[0] * j + a[1] * row + a[2];
        var sy = a[3] * j + a[4] * row + a[5];
        var (x0, y0) = ((int)MathF.Floor(sx), (int)MathF.Floor(sy));
        var (wx0, wx1, wy0, wy1) = (Tent(sx - x0), Tent(sx - (x0 + 1)), Tent(sy - y0), Tent(sy - (y0 + 1)));
        var inside = x0 >= 0 && x0 + 1 < g.InWidth && y0 >= 0 && y0 + 1 < g.InHeight;
        return new Sample(x0, y0, inside, y0 * g.InWidth + x0, wx0 * wy0, wx1 * wy0, wx0 * wy1, wx1 * wy1);
    }

    private static bool Within(Geometry g, int px, int py) => px >= 0 && px < g.InWidth && py >= 0 && py < g.InHeight;

    /// <summary>The input at (px, py), or the padding outside it.</summary>
    private static float Pixel(ReadOnlySpan<float> input, Geometry g, int px, int py) =>
        Within(g, px, py) ? input[py * g.InWidth + px] : g.Padding;

    /// <summary>Adds to the input gradient at (px, py) when it is inside.</summary>
    private static void Add(Span<float> output, Geometry g, int px, int py, float value)
    {
        if (Within(g, px, py)) output[py * g.InWidth + px] += value;
    }

    /// <summary>One output row of one image per work item, every channel read at each sample point located once.</summary>
    private static void CpuForward(Tensor x, Tensor y, Tensor maps, Geometry g)
    {
        var (inPlane, outPlane, channels) = (g.InHeight * g.InWidth, g.OutHeight * g.OutWidth, x.C);
        CpuParallel.For(x.Device, x.N * g.OutHeight, 16L * channels * g.OutWidth, item =>
        {
            var (image, row) = (item / g.OutHeight, item % g.OutHeight);
            var a = Map(maps, g, image);
            var input = x.Span.Slice(image * channels * inPlane, channels * inPlane);
            var output = y.Span.Slice(image * channels * outPlane, channels * outPlane);
            for (var j = 0; j < g.OutWidth; j++)
            {
                var c = Locate(a, g, row, j);
                for (var channel = 0; channel < channels; channel++)
                {
                    var plane = input.Slice(channel * inPlane, inPlane);
                    output[channel * outPlane + row * g.OutWidth + j] = c.Inside
                        ? c.W00 * plane[c.At] + c.W01 * plane[c.At + 1] + c.W10 * plane[c.At + g.InWidth] + c.W11 * plane[c.At + g.InWidth + 1]
                        : c.W00 * Pixel(plane, g, c.X, c.Y) + c.W01 * Pixel(plane, g, c.X + 1, c.Y)
                          + c.W10 * Pixel(plane, g, c.X, c.Y + 1) + c.W11 * Pixel(plane, g, c.X + 1, c.Y + 1);
                }
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
                    var c = Locate(a, g, row, j);
                    var d = gradient[row * g.OutWidth + j];
                    if (c.Inside)
                    {
                        output[c.At] += c.W00 * d;
                        output[c.At + 1] += c.W01 * d;
                        output[c.At + g.InWidth] += c.W10 * d;
                        output[c.At + g.InWidth + 1] += c.W11 * d;
                        continue;
                    }
                    Add(output, g, c.X, c.Y, c.W00 * d);
                    Add(output, g, c.X + 1, c.Y, c.W01 * d);
                    Add(output, g, c.X, c.Y + 1, c.W10 * d);
                    Add(output, g, c.X + 1, c.Y + 1, c.W11 * d);
                }
        });
    }
}
