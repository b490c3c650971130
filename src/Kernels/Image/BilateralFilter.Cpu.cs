using System.Runtime.Intrinsics;
using Tensor = DeepVis.Kernels.Runtime.Tensor;
using DeepVis.Kernels.Cpu;

namespace DeepVis.Kernels.Image;

/// <summary>
/// The bilateral filter on the cpu device, one output row per work item: eight neighbouring pixels at
/// once where their whole window lies inside the row, one at a time near the left and right borders.
/// Each output adds the window's terms in the ILGPU kernel's order.
/// </summary>
public static partial class BilateralFilter
{
    private static void CpuForward(Tensor x, Tensor y, Window p)
    {
        var taps = (2 * p.Radius + 1) * (2 * p.Radius + 1);
        CpuParallel.For(x.Device, x.Length / p.Width, 8L * p.Width * taps, row =>
        {
            var plane = p.Height * p.Width;
            var n = row / p.Height;
            var h = row - n * p.Height;
            var source = x.Span.Slice(n * plane, plane);
            var output = y.Span.Slice(row * p.Width, p.Width);
            var interiorEnd = p.Width - p.Radius;
            var w = p.Radius;
            for (; w + Vector256<float>.Count <= interiorEnd; w += Vector256<float>.Count)
                CpuPixels(source, h, w, p).CopyTo(output.Slice(w));
            for (var b = 0; b < p.Radius; b++) output[b] = CpuPixel(source, h, b, p);
            for (; w < p.Width; w++) output[w] = CpuPixel(source, h, w, p);
        });
    }

    /// <summary>Output (h, w) of one plane.</summary>
    private static float CpuPixel(ReadOnlySpan<float> plane, int h, int w, Window p)
    {
        var centre = plane[h * p.Width + w];
        var (sum, norm) = (0f, 0f);
        for (var a = -p.Radius; a <= p.Radius; a++)
        {
            var row = plane.Slice(GaussianBlur.Reflect(h + a, p.Height) * p.Width, p.Width);
            for (var b = -p.Radius; b <= p.Radius; b++)
            {
                var v = row[GaussianBlur.Reflect(w + b, p.Width)];
                var d = v - centre;
                var weight = MathF.Exp((a * a + b * b) * p.SpaceCoefficient + d * d * p.RangeCoefficient);
                sum += weight * v;
                norm += weight;
            }
        }
        return sum / norm;
    }

    /// <summary>Outputs (h, w..w+7) of one plane, r &lt;= w and w + 7 + r &lt; W: no column reflects.</summary>
    private static Vector256<float> CpuPixels(ReadOnlySpan<float> plane, int h, int w, Window p)
    {
        var centre = Vector256.Create(plane.Slice(h * p.Width + w));
        var range = Vector256.Create(p.RangeCoefficient);
        var (sum, norm) = (Vector256<float>.Zero, Vector256<float>.Zero);
        for (var a = -p.Radius; a <= p.Radius; a++)
        {
            var row = plane.Slice(GaussianBlur.Reflect(h + a, p.Height) * p.Width + w - p.Radius);
            for (var b = -p.Radius; b <= p.Radius; b++)
            {
                var v = Vector256.Create(row.Slice(b + p.Radius));
                var d = v - centre;
                var weight = Vector256.Exp(Vector256.Create((a * a + b * b) * p.SpaceCoefficient) + d * d * range);
                sum += weight * v;
                norm += weight;
            }
        }
        return sum / norm;
    }
}
