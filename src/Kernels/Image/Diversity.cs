using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace DeepVis.Kernels.Image;

/// <summary>
/// Lucid's diversity on a batch's Gram matrices G_i: D = (1/B) sum_i sum_(j != i) &lt;G_i, G_j&gt; / (|G_i| |G_j|).
/// <see cref="Pairs"/> writes every &lt;G_i, G_j&gt; ([B, B]: D comes from it on the host when progress is
/// shown); <see cref="GramGradient"/> writes scale * dD/dG_i from the pairs, on the device:
/// with g_i = G_i / |G_i| and S = sum_j g_j, dD/dG_i = (2 / (B |G_i|)) ((S - g_i) - (&lt;S, g_i&gt; - 1) g_i).
/// </summary>
public static partial class Diversity
{
    /// <summary>Lucid's l2_normalize epsilon on the squared norm.</summary>
    public const float Epsilon = 1e-10f;

    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int, int> Pairs =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int>(PairsKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, float> GramGradient =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, float>(GramGradientKernel);
    }

    /// <summary>pairs[i, j] = &lt;G_i, G_j&gt; for gram [B, C, C].</summary>
    public static void Pairs(Tensor gram, Tensor pairs)
    {
        gram.RequireRank("diversity gram", 3);
        pairs.RequireShape("diversity pairs", gram.N, gram.N);
        if (gram.Device.Ilgpu<Loaded>() is { } kernels) kernels.Pairs(pairs.Length, gram.View, pairs.View, gram.N, gram.ItemLength);
        else CpuPairs(gram, pairs);
    }

    /// <summary>gradient = scale * dD/dG from the Gram matrices and their <see cref="Pairs"/>.</summary>
    public static void GramGradient(Tensor gram, Tensor pairs, Tensor gradient, float scale)
    {
        gram.RequireRank("diversity gram", 3);
        pairs.RequireShape("diversity pairs", gram.N, gram.N);
        gradient.RequireShape("diversity gram gradient", [.. gram.Shape]);
        if (gram.Device.Ilgpu<Loaded>() is { } kernels) kernels.GramGradient(gram.Length, gram.View, pairs.View, gradient.View, gram.N, gram.ItemLength, scale);
        else CpuGramGradient(gram, pairs, gradient, scale);
    }

    private static void PairsKernel(Index1D pair, ArrayView<float> gram, ArrayView<float> pairs, int batch, int item)
    {
        int index = pair;
        var (i, j) = (index / batch, index % batch);
        var sum = 0f;
        for (var k = 0; k < item; k++) sum += gram[i * item + k] * gram[j * item + k];
        pairs[index] = sum;
    }

    private static float Norm(ArrayView<float> pairs, int i, int batch) => XMath.Sqrt(XMath.Max(pairs[i * batch + i], Epsilon));

    private static void GramGradientKernel(Index1D element, ArrayView<float> gram, ArrayView<float> pairs, ArrayView<float> gradient,
        int batch, int item, float scale)
    {
        int index = element;
        var (i, k) = (index / item, index % item);
        var ni = Norm(pairs, i, batch);
        float s = 0f, sDotGi = 0f;
        for (var j = 0; j < batch; j++)
        {
            var nj = Norm(pairs, j, batch);
            s += gram[j * item + k] / nj;
            sDotGi += pairs[i * batch + j] / (ni * nj);
        }
        var gi = gram[index] / ni;
        gradient[index] = scale * 2f / (batch * ni) * (s - gi - (sDotGi - 1f) * gi);
    }
}
