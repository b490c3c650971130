using DeepVis.Kernels.Gemm;
using ILGPU;

namespace DeepVis.Ops;

/// <summary>
/// Linear forward as a tiled product: rows m are batch items, columns p the outputs, depth k the
/// inputs; B is the [outputs, inputs] weight read transposed, contiguous along k.
/// </summary>
internal readonly struct LinearForwardProblem(ArrayView<float> x, ArrayView<float> w, ArrayView<float> bias, int hasBias,
    ArrayView<float> y, int batch, int inputs, int outputs) : IGemmProblem
{
    private readonly ArrayView<float> _x = x, _w = w, _bias = bias, _y = y;
    private readonly int _hasBias = hasBias;

    public int Groups => 1;
    public int M { get; } = batch;
    public int P { get; } = outputs;
    public int K { get; } = inputs;

    public float A(int g, int m, int k) => _x[m * K + k];

    public float B(int g, int k, int p) => _w[p * K + k];

    public void Store(int g, int m, int p, float value) => _y[m * P + p] = _hasBias != 0 ? value + _bias[p] : value;
}
