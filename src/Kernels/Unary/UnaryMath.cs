using System.Runtime.Intrinsics;
using ILGPU.Algorithms;

namespace DeepVis.Kernels.Unary;

/// <summary>
/// The transcendental pieces element-wise functions share, each in a scalar form that ILGPU compiles
/// (XMath, plain arithmetic) and a Vector256 form for the cpu device, accurate to a few float ulps
/// (the tests hold them to 1e-6 of double precision) and saturating without overflow to NaN.
/// </summary>
public static class UnaryMath
{
    /// <summary>2 / sqrt(pi), erf's slope at 0.</summary>
    public const float TwoOverSqrtPi = 1.1283791670955126f;

    /// <summary>1 / (1 + e^-x).</summary>
    public static float Sigmoid(float x) => 1f / (1f + XMath.Exp(-x));

    /// <inheritdoc cref="Sigmoid(float)"/>
    public static Vector256<float> Sigmoid(Vector256<float> x) => Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(-x));

    /// <summary>tanh(x).</summary>
    public static float Tanh(float x) => XMath.Tanh(x);

    /// <summary>
    /// tanh(x): its Taylor series through x^13 below |x| = 1/2 (the terms left are under 1e-7 of the value
    /// there), 1 - 2 / (e^2|x| + 1) above, where that difference no longer cancels.
    /// </summary>
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        var a = Vector256.Abs(x);
        var s = x * x;
        var series = Vector256.Create(21844f / 6081075f);
        series = Vector256.FusedMultiplyAdd(series, s, Vector256.Create(-1382f / 155925f));
        series = Vector256.FusedMultiplyAdd(series, s, Vector256.Create(62f / 2835f));
        series = Vector256.FusedMultiplyAdd(series, s, Vector256.Create(-17f / 315f));
        series = Vector256.FusedMultiplyAdd(series, s, Vector256.Create(2f / 15f));
        series = Vector256.FusedMultiplyAdd(series, s, Vector256.Create(-1f / 3f));
        series = Vector256.FusedMultiplyAdd(series * s, x, x);
        var two = Vector256.Create(2f);
        var far = Vector256.CopySign(Vector256<float>.One - two / (Vector256.Exp(two * a) + Vector256<float>.One), x);
        return Vector256.ConditionalSelect(Vector256.LessThan(a, Vector256.Create(0.5f)), series, far);
    }

    // erf after Norbert Juffa's faithfully rounded erff (two minimax polynomials split at 475/512, under
    // one ulp each), the approximation MLX and PyTorch's Metal backend use; ILGPU and .NET have no erf.
    private const float Split = 0.927734375f;

    /// <summary>erf(x).</summary>
    public static float Erf(float x)
    {
        var t = XMath.Abs(x);
        var s = x * x;
        if (t > Split)
        {
            var r = (-1.72853470e-5f * t + 3.83197126e-4f) * s + (-3.88396438e-3f * t + 2.42546219e-2f);
            r = r * t - 1.06777877e-1f;
            r = r * t - 6.34846687e-1f;
            r = r * t - 1.28717512e-1f;
            r = 1f - XMath.Exp(r * t - t);
            return x < 0f ? -r : r;
        }
        var p = -5.96761703e-4f * s + 4.99119423e-3f;
        p = p * s - 2.67681349e-2f;
        p = p * s + 1.12819925e-1f;
        p = p * s - 3.76125336e-1f;
        p = p * s + 1.28379166e-1f;
        return p * x + x;
    }

    /// <inheritdoc cref="Erf(float)"/>
    public static Vector256<float> Erf(Vector256<float> x)
    {
        var t = Vector256.Abs(x);
        var s = x * x;
        var r = Vector256.FusedMultiplyAdd(
            Vector256.FusedMultiplyAdd(Vector256.Create(-1.72853470e-5f), t, Vector256.Create(3.83197126e-4f)), s,
            Vector256.FusedMultiplyAdd(Vector256.Create(-3.88396438e-3f), t, Vector256.Create(2.42546219e-2f)));
        r = Vector256.FusedMultiplyAdd(r, t, Vector256.Create(-1.06777877e-1f));
        r = Vector256.FusedMultiplyAdd(r, t, Vector256.Create(-6.34846687e-1f));
        r = Vector256.FusedMultiplyAdd(r, t, Vector256.Create(-1.28717512e-1f));
        r = Vector256.CopySign(Vector256<float>.One - Vector256.Exp(Vector256.FusedMultiplyAdd(r, t, -t)), x);
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(-5.96761703e-4f), s, Vector256.Create(4.99119423e-3f));
        p = Vector256.FusedMultiplyAdd(p, s, Vector256.Create(-2.67681349e-2f));
        p = Vector256.FusedMultiplyAdd(p, s, Vector256.Create(1.12819925e-1f));
        p = Vector256.FusedMultiplyAdd(p, s, Vector256.Create(-3.76125336e-1f));
        p = Vector256.FusedMultiplyAdd(p, s, Vector256.Create(1.28379166e-1f));
        p = Vector256.FusedMultiplyAdd(p, x, x);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(t, Vector256.Create(Split)), r, p);
    }
}
