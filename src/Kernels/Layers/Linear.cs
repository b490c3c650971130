using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Runtime;

namespace DeepVis.Kernels.Layers;

/// <summary>
/// Fully-connected layer y[n,o] = b[o] + sum_i W[o,i] x[n,i]. The input may have any rank: each
/// batch item is flattened in C,H,W order, as torch.flatten(x, 1) does before torchvision's classifier.
/// </summary>
public static class Linear
{
    private sealed class Loaded(Accelerator a)
    {
        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, ArrayView<float>, int, int> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, ArrayView<float>, int, int>(ForwardKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> Backward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(BackwardKernel);
    }

    public static void Forward(Tensor x, Tensor weight, Tensor? bias, Tensor y)
    {
        var (outputs, inputs) = Check(x, weight, "linear input");
        bias?.RequireShape("linear bias", outputs);
        y.RequireShape("linear output", x.N, outputs);
        x.Device.Kernels(a => new Loaded(a)).Forward(
            y.Length, x.View, weight.View, bias?.View ?? weight.View, bias is null ? 0 : 1, y.View, inputs, outputs);
    }

    /// <summary>dx[n,i] = sum_o W[o,i] dy[n,o]; dx has the input's shape.</summary>
    public static void BackwardInput(Tensor dy, Tensor weight, Tensor dx)
    {
        var (outputs, inputs) = Check(dx, weight, "linear input gradient");
        dy.RequireShape("linear output gradient", dx.N, outputs);
        dx.Device.Kernels(a => new Loaded(a)).Backward(dx.Length, dy.View, weight.View, dx.View, inputs, outputs);
    }

    private static (int Outputs, int Inputs) Check(Tensor x, Tensor weight, string what)
    {
        weight.RequireRank("linear weight", 2);
        if (x.Rank < 2 || x.ItemLength != weight.Shape[1])
            throw new ShapeException(
                $"{what}: shape {x.ShapeText} flattens to {x.ItemLength} features per item, but the weight {weight.ShapeText} takes {weight.Shape[1]}");
        return (weight.Shape[0], weight.Shape[1]);
    }

    private static void ForwardKernel(Index1D index, ArrayView<float> x, ArrayView<float> w, ArrayView<float> bias,
        int hasBias, ArrayView<float> y, int inputs, int outputs)
    {
        int i = index;
        var o = i % outputs;
        var n = i / outputs;
        var sum = hasBias != 0 ? bias[o] : 0f;
        for (var k = 0; k < inputs; k++) sum += w[o * inputs + k] * x[n * inputs + k];
        y[i] = sum;
    }

    private static void BackwardKernel(Index1D index, ArrayView<float> dy, ArrayView<float> w, ArrayView<float> dx,
        int inputs, int outputs)
    {
        int i = index;
        var k = i % inputs;
        var n = i / inputs;
        var sum = 0f;
        for (var o = 0; o < outputs; o++) sum += w[o * inputs + k] * dy[n * outputs + o];
        dx[i] = sum;
    }
}
