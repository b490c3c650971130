using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Runtime;

namespace DeepVis.Kernels.Image;

/// <summary>A 3x3 colour matrix, row major: out[r] = sum_c M[r, c] in[c].</summary>
public readonly struct ColorMatrix(float m00, float m01, float m02, float m10, float m11, float m12, float m20, float m21, float m22)
{
    public readonly float M00 = m00, M01 = m01, M02 = m02, M10 = m10, M11 = m11, M12 = m12, M20 = m20, M21 = m21, M22 = m22;

    public static ColorMatrix FromRows(double[,] m) => new(
        (float)m[0, 0], (float)m[0, 1], (float)m[0, 2], (float)m[1, 0], (float)m[1, 1], (float)m[1, 2], (float)m[2, 0], (float)m[2, 1], (float)m[2, 2]);

    public ColorMatrix Transposed => new(M00, M10, M20, M01, M11, M21, M02, M12, M22);

    public double[,] ToRows() => new double[,] { { M00, M01, M02 }, { M10, M11, M12 }, { M20, M21, M22 } };
}

/// <summary>
/// Per-pixel colour mixing of NCHW images with three channels: y[n, :, h, w] = M x[n, :, h, w]. With
/// Lucid's square root of ImageNet's colour correlation (normalized by its largest column norm) it
/// turns decorrelated parameters into RGB; <see cref="Backward"/> applies M^T, its gradient.
/// </summary>
public static partial class ColorDecorrelation
{
    /// <summary>Lucid's color_correlation_svd_sqrt, divided by its largest column norm (as Lucid's _linear_decorrelate_color).</summary>
    public static readonly ColorMatrix Lucid = Normalized(new double[,] { { 0.26, 0.09, 0.02 }, { 0.27, 0.00, -0.05 }, { 0.27, -0.09, 0.03 } });

    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ColorMatrix, int> Apply =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ColorMatrix, int>(ApplyKernel);
    }

    /// <summary>y = M x per pixel; y may be a different tensor only.</summary>
    public static void Forward(Tensor x, Tensor y, ColorMatrix m) => Launch(x, y, m, "colour input", "colour output");

    /// <summary>dx = M^T dy per pixel: the gradient of <see cref="Forward"/>.</summary>
    public static void Backward(Tensor dy, Tensor dx, ColorMatrix m) => Launch(dy, dx, m.Transposed, "colour output gradient", "colour input gradient");

    private static void Launch(Tensor x, Tensor y, ColorMatrix m, string inputName, string outputName)
    {
        x.RequireRank(inputName, 4);
        if (x.C != 3) throw new ShapeException($"{inputName}: colour mixing needs 3 channels, got shape {x.ShapeText}");
        y.RequireShape(outputName, [.. x.Shape]);
        if (ReferenceEquals(x, y)) throw new ArgumentException($"colour mixing: {outputName} must be a different tensor from {inputName}");
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Apply(x.N * x.H * x.W, x.View, y.View, m, x.H * x.W);
        else CpuApply(x, y, m);
    }

    private static ColorMatrix Normalized(double[,] m)
    {
        var largest = Enumerable.Range(0, 3).Max(c => Math.Sqrt(m[0, c] * m[0, c] + m[1, c] * m[1, c] + m[2, c] * m[2, c]));
        var scaled = new double[3, 3];
        for (var r = 0; r < 3; r++)
            for (var c = 0; c < 3; c++) scaled[r, c] = m[r, c] / largest;
        return ColorMatrix.FromRows(scaled);
    }

    private static void ApplyKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, ColorMatrix m, int plane)
    {
        int index = i;
        var at = index / plane * 3 * plane + index % plane;
        var (r, g, b) = (x[at], x[at + plane], x[at + 2 * plane]);
        y[at] = m.M00 * r + m.M01 * g + m.M02 * b;
        y[at + plane] = m.M10 * r + m.M11 * g + m.M12 * b;
        y[at + 2 * plane] = m.M20 * r + m.M21 * g + m.M22 * b;
    }
}
