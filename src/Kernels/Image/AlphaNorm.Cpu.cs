using System.Runtime.Intrinsics;
using Tensor = DeepVis.Kernels.Runtime.Tensor;
using DeepVis.Kernels.Cpu;

namespace DeepVis.Kernels.Image;

/// <summary>
/// The alpha-norm prior on the cpu device. Powers of eight elements at once: by repeated squaring for
/// a small whole exponent (alpha = 6, the usual choice), else as exp(p log |x|) in double rounded once
/// to float (as accurate as MathF.Pow); the scalar tail uses MathF.Pow.
/// </summary>
public static partial class AlphaNorm
{
    private static void CpuValue(Tensor x, Tensor value, float alpha) =>
        CpuParallel.For(x.Device, x.N, 32L * x.ItemLength, n =>
        {
            var m = x.ItemLength;
            var item = x.Span.Slice(n * m, m);
            var whole = WholeExponent(alpha);
            var sums = Vector256<float>.Zero;
            var i = 0;
            for (; i + Vector256<float>.Count <= m; i += Vector256<float>.Count)
                sums += Power(Vector256.Abs(Vector256.Create(item.Slice(i))), alpha, whole);
            var sum = Vector256.Sum(sums);
            for (; i < m; i++) sum += MathF.Pow(MathF.Abs(item[i]), alpha);
            value.Span[n] = sum;
        });

    private static void CpuAddGradient(Tensor x, Tensor grad, float scaleAlpha, float power) =>
        CpuParallel.ForRange(x.Device, x.Length, (start, length) =>
        {
            var xs = x.Span.Slice(start, length);
            var gs = grad.Span.Slice(start, length);
            var (factor, one) = (Vector256.Create(scaleAlpha), Vector256<float>.One);
            var whole = WholeExponent(power);
            var i = 0;
            for (; i + Vector256<float>.Count <= length; i += Vector256<float>.Count)
            {
                var v = Vector256.Create(xs.Slice(i));
                var magnitude = Power(Vector256.Abs(v), power, whole);
                var sign = Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<float>.Zero), one, -one);
                var g = Vector256.Create(gs.Slice(i));
                // sign(0) = 0: a zero element adds nothing.
                Vector256.ConditionalSelect(Vector256.Equals(v, Vector256<float>.Zero), g, g + factor * magnitude * sign).CopyTo(gs.Slice(i));
            }
            for (; i < length; i++)
                if (xs[i] != 0f) gs[i] += scaleAlpha * MathF.Pow(MathF.Abs(xs[i]), power) * (xs[i] > 0f ? 1f : -1f);
        });

    /// <summary>p when it is a whole number in [0, 16] (repeated squaring then stays within a few ulps), else -1.</summary>
    private static int WholeExponent(float p) => p == MathF.Floor(p) && p is >= 0f and <= 16f ? (int)p : -1;

    /// <summary>
    /// magnitude^p for magnitudes &gt;= 0 (0^p = 0 for p &gt; 0; anything^0 = 1 as MathF.Pow has it);
    /// <paramref name="whole"/> is <see cref="WholeExponent"/> of p.
    /// </summary>
    private static Vector256<float> Power(Vector256<float> magnitude, float p, int whole)
    {
        if (whole >= 0)
        {
            var (result, square) = (Vector256<float>.One, magnitude);
            for (var e = whole; e > 0; e >>= 1)
            {
                if ((e & 1) != 0) result *= square;
                square *= square;
            }
            return result;
        }
        var (lower, upper) = Vector256.Widen(magnitude);
        var exponent = Vector256.Create((double)p);
        return Vector256.Narrow(Vector256.Exp(exponent * Vector256.Log(lower)), Vector256.Exp(exponent * Vector256.Log(upper)));
    }
}
