using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Runtime;

namespace DeepVis.Kernels.Image;

/// <summary>
/// Gram matrices of feature maps, G[n, c, d] = sum over positions p of a[n, c, p] a[n, d, p] (Lucid's
/// diversity and style objectives), and the gradient da[n, c, p] = sum_d (dG[n, c, d] + dG[n, d, c]) a[n, d, p].
/// One thread per output element, summing in a fixed order.
/// </summary>
public static partial class Gram
{
    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int, int> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int>(ForwardKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> Backward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(BackwardKernel);
    }

    /// <summary>gram [N, C, C] from activations [N, C, ...].</summary>
    public static void Forward(Tensor activation, Tensor gram)
    {
        var (channels, positions) = Sizes(activation);
        gram.RequireShape("gram matrices", activation.N, channels, channels);
        if (activation.Device.Ilgpu<Loaded>() is { } kernels) kernels.Forward(gram.Length, activation.View, gram.View, channels, positions);
        else CpuForward(activation, gram, channels, positions);
    }

    /// <summary>activationGradient from gramGradient [N, C, C] at <paramref name="activation"/>.</summary>
    public static void Backward(Tensor activation, Tensor gramGradient, Tensor activationGradient)
    {
        var (channels, positions) = Sizes(activation);
        gramGradient.RequireShape("gram gradient", activation.N, channels, channels);
        activationGradient.RequireShape("gram input gradient", [.. activation.Shape]);
        if (activation.Device.Ilgpu<Loaded>() is { } kernels) kernels.Backward(activation.Length, activation.View, gramGradient.View,
            activationGradient.View, channels, positions);
        else CpuBackward(activation, gramGradient, activationGradient, channels, positions);
    }

    private static (int Channels, int Positions) Sizes(Tensor activation)
    {
        if (activation.Rank < 2) throw new ShapeException($"gram input: expected [N, C, ...], got {activation.ShapeText}");
        return (activation.Shape[1], activation.ItemLength / activation.Shape[1]);
    }

    private static void ForwardKernel(Index1D i, ArrayView<float> a, ArrayView<float> gram, int channels, int positions)
    {
        int index = i;
        var d = index % channels;
        var c = index / channels % channels;
        var item = index / (channels * channels) * channels;
        var sum = 0f;
        for (var p = 0; p < positions; p++) sum += a[(item + c) * positions + p] * a[(item + d) * positions + p];
        gram[index] = sum;
    }

    private static void BackwardKernel(Index1D i, ArrayView<float> a, ArrayView<float> dg, ArrayView<float> da, int channels, int positions)
    {
        int index = i;
        var p = index % positions;
        var c = index / positions % channels;
        var n = index / (positions * channels);
        var sum = 0f;
        for (var d = 0; d < channels; d++)
        {
            var g = dg[(n * channels + c) * channels + d] + dg[(n * channels + d) * channels + c];
            sum += g * a[(n * channels + d) * positions + p];
        }
        da[index] = sum;
    }
}
