using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace DeepVis.Kernels.Update;

/// <summary>
/// One Adam step (Kingma &amp; Ba, in PyTorch's form) on a batch of images, the moments kept on the device
/// beside them: m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2, x -= lr / (1 - b1^t) * m / (sqrt(v / (1 - b2^t)) + eps).
/// Each element's moments are its own, so every image of the batch is optimized independently.
/// </summary>
public static partial class Adam
{
    /// <summary>Adam's constants with the bias corrections of step t folded in on the host.</summary>
    internal readonly struct Step(float rate, int t, float beta1, float beta2, float epsilon)
    {
        public readonly float Beta1 = beta1;
        public readonly float Beta2 = beta2;
        public readonly float Epsilon = epsilon;
        public readonly float StepSize = rate / (1 - MathF.Pow(beta1, t));
        public readonly float InverseRootCorrection = 1 / MathF.Sqrt(1 - MathF.Pow(beta2, t));
    }

    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Step> Apply =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Step>(ApplyKernel);
    }

    /// <summary>
    /// Step <paramref name="t"/> (1 for the first) of Adam: updates <paramref name="x"/> and the moments
    /// <paramref name="m"/> and <paramref name="v"/> (zero before step 1) from the gradient <paramref name="g"/>.
    /// </summary>
    public static void Apply(Tensor x, Tensor g, Tensor m, Tensor v, float rate, int t,
        float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f)
    {
        g.RequireShape("adam gradient", [.. x.Shape]);
        m.RequireShape("adam first moment", [.. x.Shape]);
        v.RequireShape("adam second moment", [.. x.Shape]);
        if (t < 1) throw new ArgumentOutOfRangeException(nameof(t), t, "Adam's steps count from 1");
        if (beta1 is < 0 or >= 1 || beta2 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta1), "betas must lie in [0, 1)");
        var step = new Step(rate, t, beta1, beta2, epsilon);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Apply(x.Length, x.View, g.View, m.View, v.View, step);
        else CpuApply(x, g, m, v, step);
    }

    private static void ApplyKernel(Index1D i, ArrayView<float> x, ArrayView<float> g, ArrayView<float> m, ArrayView<float> v, Step s)
    {
        var gradient = g[i];
        var first = s.Beta1 * m[i] + (1 - s.Beta1) * gradient;
        var second = s.Beta2 * v[i] + (1 - s.Beta2) * gradient * gradient;
        m[i] = first;
        v[i] = second;
        x[i] -= s.StepSize * first / (XMath.Sqrt(second) * s.InverseRootCorrection + s.Epsilon);
    }
}
