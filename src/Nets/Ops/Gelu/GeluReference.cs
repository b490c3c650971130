using MathNet.Numerics;

namespace DeepVis.Tests.Reference;

/// <summary>Plain double-precision GELU in both forms (PyTorch's formulas), for tests only.</summary>
public static class GeluReference
{
    private static readonly double SqrtTwoOverPi = Math.Sqrt(2 / Math.PI);
    private const double Kappa = 0.044715;

    private static double Erf(double v) => double.IsNaN(v) ? v : SpecialFunctions.Erf(v);

    /// <summary>x (1 + erf(x / sqrt 2)) / 2, or with <paramref name="tanh"/> x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2.</summary>
    public static double[] Forward(double[] x, bool tanh) =>
        Array.ConvertAll(x, v => tanh ? 0.5 * v * (1 + Math.Tanh(SqrtTwoOverPi * (v + Kappa * v * v * v))) : 0.5 * v * (1 + Erf(v / Math.Sqrt(2))));

    /// <summary>torch's gelu_backward: dy (Phi(x) + x phi(x)), or the tanh form's derivative.</summary>
    public static double[] Backward(double[] x, double[] dy, bool tanh)
    {
        var dx = new double[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            var v = x[i];
            if (tanh)
            {
                var t = Math.Tanh(SqrtTwoOverPi * (v + Kappa * v * v * v));
                dx[i] = dy[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * SqrtTwoOverPi * (1 + 3 * Kappa * v * v));
            }
            else dx[i] = dy[i] * (0.5 * (1 + Erf(v / Math.Sqrt(2))) + v * Math.Exp(-v * v / 2) / Math.Sqrt(2 * Math.PI));
        }
        return dx;
    }
}
