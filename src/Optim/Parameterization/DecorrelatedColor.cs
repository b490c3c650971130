using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Optim.Parameterization;

/// <summary>
/// Lucid's colour decorrelation: the parameters' three channels are mixed into RGB by the square root
/// of ImageNet's colour correlation (<see cref="ColorDecorrelation.Lucid"/>), so a step moves colours
/// the way natural images vary. For a BGR network the matrix's rows and columns are reversed.
/// </summary>
public sealed class DecorrelatedColor(bool bgr) : IImageStage
{
    private readonly ColorMatrix _matrix = bgr ? Reversed(ColorDecorrelation.Lucid) : ColorDecorrelation.Lucid;

    public int[] InputShape(int[] outputShape) => outputShape;

    public void Forward(Tensor input, Tensor output) => ColorDecorrelation.Forward(input, output, _matrix);

    public void Backward(Tensor input, Tensor output, Tensor outputGradient, Tensor inputGradient) =>
        ColorDecorrelation.Backward(outputGradient, inputGradient, _matrix);

    public void Inverse(Tensor output, Tensor input) => ColorDecorrelation.Forward(output, input, Inverted(_matrix));

    private static ColorMatrix Reversed(ColorMatrix m)
    {
        var rows = m.ToRows();
        var reversed = new double[3, 3];
        for (var r = 0; r < 3; r++)
            for (var c = 0; c < 3; c++) reversed[r, c] = rows[2 - r, 2 - c];
        return ColorMatrix.FromRows(reversed);
    }

    /// <summary>The inverse by cofactors, in double.</summary>
    private static ColorMatrix Inverted(ColorMatrix matrix)
    {
        var m = matrix.ToRows();
        double Cofactor(int r, int c)
        {
            var (r0, r1, c0, c1) = ((r + 1) % 3, (r + 2) % 3, (c + 1) % 3, (c + 2) % 3);
            return m[r0, c0] * m[r1, c1] - m[r0, c1] * m[r1, c0];
        }
        var det = m[0, 0] * Cofactor(0, 0) + m[0, 1] * Cofactor(0, 1) + m[0, 2] * Cofactor(0, 2);
        var inverse = new double[3, 3];
        for (var r = 0; r < 3; r++)
            for (var c = 0; c < 3; c++) inverse[r, c] = Cofactor(c, r) / det;
        return ColorMatrix.FromRows(inverse);
    }
}
