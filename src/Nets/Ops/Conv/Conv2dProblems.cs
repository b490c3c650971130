using DeepVis.Kernels.Gemm;
using ILGPU;

namespace DeepVis.Ops;

/// <summary>
/// Convolution forward as implicit GEMM, one product per group g: rows m = (n, oy, ox) are output
/// pixels, columns p the group's output channels, depth k = (c, ky, kx) the filter taps over the group's
/// input channels. B is the group's rows of the [O, C/G, KH, KW] weight read as an [O/G, K] matrix.
/// </summary>
internal readonly struct Conv2dForwardProblem(ArrayView<float> x, ArrayView<float> w, ArrayView<float> bias, int hasBias,
    ArrayView<float> y, int n, Conv2d.Geometry g) : IGemmProblem
{
    private readonly ArrayView<float> _x = x, _w = w, _bias = bias, _y = y;
    private readonly int _hasBias = hasBias;
    private readonly Conv2d.Geometry _g = g;

    public int Groups { get; } = g.Groups;
    public int M { get; } = n * g.OH * g.OW;
    public int P { get; } = g.GroupO;
    public int K { get; } = g.GroupC * g.KH * g.KW;

    public float A(int group, int m, int k)
    {
        Conv2d.Geometry.Split(m, _g.OH, _g.OW, out var n, out var oy, out var ox);
        Conv2d.Geometry.Split(k, _g.KH, _g.KW, out var c, out var ky, out var kx);
        int iy = oy * _g.StrideH - _g.PadTop + ky * _g.DilationH, ix = ox * _g.StrideW - _g.PadLeft + kx * _g.DilationW;
        return iy >= 0 && iy < _g.H && ix >= 0 && ix < _g.W
            ? _x[((n * _g.C + group * _g.GroupC + c) * _g.H + iy) * _g.W + ix]
            : 0f;
    }

    public float B(int group, int k, int p) => _w[(group * _g.GroupO + p) * K + k];

    public void Store(int group, int m, int p, float value)
    {
        int pixels = _g.OH * _g.OW, n = m / pixels, o = group * _g.GroupO + p;
        _y[(n * _g.O + o) * pixels + m % pixels] = _hasBias != 0 ? value + _bias[o] : value;
    }
}

/// <summary>
/// Convolution backward to the input as implicit GEMM, one product per group g: rows m = (n, iy, ix) are
/// input pixels, columns p the group's input channels, depth k = (o, ky, kx) over the group's filters.
/// A gathers the output gradient each input pixel fed (zero where the stride skips it), so every dx
/// element is written once: no atomics.
/// </summary>
internal readonly struct Conv2dBackwardInputProblem(ArrayView<float> dy, ArrayView<float> w, ArrayView<float> dx, int n,
    Conv2d.Geometry g) : IGemmProblem
{
    private readonly ArrayView<float> _dy = dy, _w = w, _dx = dx;
    private readonly Conv2d.Geometry _g = g;

    public int Groups { get; } = g.Groups;
    public int M { get; } = n * g.H * g.W;
    public int P { get; } = g.GroupC;
    public int K { get; } = g.GroupO * g.KH * g.KW;

    public float A(int group, int m, int k)
    {
        Conv2d.Geometry.Split(m, _g.H, _g.W, out var n, out var iy, out var ix);
        Conv2d.Geometry.Split(k, _g.KH, _g.KW, out var o, out var ky, out var kx);
        // Output row oy reads input row oy*stride - pad + ky*dilation; only a whole quotient lands on iy.
        int ty = iy + _g.PadTop - ky * _g.DilationH, tx = ix + _g.PadLeft - kx * _g.DilationW;
        if (ty < 0 || tx < 0 || ty % _g.StrideH != 0 || tx % _g.StrideW != 0) return 0f;
        int oy = ty / _g.StrideH, ox = tx / _g.StrideW;
        return oy < _g.OH && ox < _g.OW ? _dy[((n * _g.O + group * _g.GroupO + o) * _g.OH + oy) * _g.OW + ox] : 0f;
    }

    public float B(int group, int k, int p)
    {
        Conv2d.Geometry.Split(k, _g.KH, _g.KW, out var o, out var ky, out var kx);
        return _w[(((group * _g.GroupO + o) * _g.GroupC + p) * _g.KH + ky) * _g.KW + kx];
    }

    public void Store(int group, int m, int p, float value)
    {
        int pixels = _g.H * _g.W, n = m / pixels;
        _dx[(n * _g.C + group * _g.GroupC + p) * pixels + m % pixels] = value;
    }
}
