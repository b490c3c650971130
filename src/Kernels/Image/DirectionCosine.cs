using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace DeepVis.Kernels.Image;

/// <summary>
/// Lucid's direction objective with a cosine power (<c>_dot_cossim</c>): at every position p of an
/// [N, C, ...] map, with a = the channel vector there and v the direction,
/// f = &lt;a, v&gt; max(0.1, cos)^power, cos = &lt;a, v&gt; / (1e-4 + |a|) / (1e-4 + |v|). One thread per
/// position: <see cref="Values"/> writes f [N, P], <see cref="AddGradient"/> adds scale * df/da.
/// </summary>
public static partial class DirectionCosine
{
    /// <summary>Lucid's epsilon in the cosine.</summary>
    public const float Epsilon = 1e-4f;

    /// <summary>Lucid's floor under the cosine.</summary>
    public const float Floor = 0.1f;

    internal readonly struct Sizes(int channels, int positions, float power, float scale, int item)
    {
        public readonly int Channels = channels;
        public readonly int Positions = positions;
        public readonly float Power = power;
        public readonly float Scale = scale;
        public readonly int Item = item;
    }

    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Sizes> Values =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Sizes>(ValuesKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Sizes> AddGradient =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Sizes>(AddGradientKernel);
    }

    /// <summary>values [N, P] = f at every position.</summary>
    public static void Values(Tensor activation, Tensor direction, Tensor values, float power)
    {
        var s = Check(activation, direction, power, 1f, -1);
        values.RequireShape("direction values", activation.N, s.Positions);
        if (activation.Device.Ilgpu<Loaded>() is { } kernels) kernels.Values(values.Length, activation.View, direction.View, values.View, s);
        else CpuValues(activation, direction, values, s);
    }

    /// <summary>gradient += scale * df/da at every position (of batch item <paramref name="item"/> only when it is not negative).</summary>
    public static void AddGradient(Tensor activation, Tensor direction, Tensor gradient, float power, float scale, int item = -1)
    {
        var s = Check(activation, direction, power, scale, item);
        gradient.RequireShape("direction gradient", [.. activation.Shape]);
        if (activation.Device.Ilgpu<Loaded>() is { } kernels) kernels.AddGradient(activation.N * s.Positions, activation.View, direction.View, gradient.View, s);
        else CpuAddGradient(activation, direction, gradient, s);
    }

    private static Sizes Check(Tensor activation, Tensor direction, float power, float scale, int item)
    {
        if (activation.Rank < 2) throw new ShapeException($"direction input: expected [N, C, ...], got {activation.ShapeText}");
        var channels = activation.Shape[1];
        direction.RequireShape("direction vector", channels);
        if (!(power >= 0)) throw new ArgumentOutOfRangeException(nameof(power), power, "the cosine power must not be negative");
        if (item >= activation.N) throw new ArgumentOutOfRangeException(nameof(item), item, $"the batch has {activation.N} items");
        return new Sizes(channels, activation.ItemLength / channels, power, scale, item);
    }

    /// <summary>
    /// What one position needs from &lt;a, v&gt;, |a| and |v|: the value f and the factors of
    /// df/da = v Weight + Chain (v / Denominator - Radial a), with
    /// dcos/da = v / ((e + |a|)(e + |v|)) - &lt;a, v&gt; a / (|a| (e + |a|)^2 (e + |v|)) and no cosine term where the floor holds.
    /// </summary>
    internal readonly struct Factors
    {
        public readonly float Value;
        public readonly float Weight;
        public readonly float Chain;
        public readonly float Denominator;
        public readonly float Radial;

        public Factors(float dot, float magnitude, float norm, float power)
        {
            Denominator = (Epsilon + magnitude) * (Epsilon + norm);
            var cosine = dot / Denominator;
            var floored = XMath.Max(Floor, cosine);
            Weight = XMath.Pow(floored, power);
            Value = dot * Weight;
            Chain = cosine > Floor && power > 0f ? dot * power * XMath.Pow(floored, power - 1f) : 0f;
            Radial = magnitude > 0f ? dot / (magnitude * (Epsilon + magnitude) * Denominator) : 0f;
        }
    }

    private static Factors At(ArrayView<float> a, ArrayView<float> v, int n, int p, Sizes s)
    {
        float dot = 0f, squares = 0f, norm = 0f;
        for (var c = 0; c < s.Channels; c++)
        {
            var x = a[(n * s.Channels + c) * s.Positions + p];
            dot += x * v[c];
            squares += x * x;
            norm += v[c] * v[c];
        }
        return new Factors(dot, XMath.Sqrt(squares), XMath.Sqrt(norm), s.Power);
    }

    private static void ValuesKernel(Index1D i, ArrayView<float> a, ArrayView<float> v, ArrayView<float> values, Sizes s)
    {
        int index = i;
        values[index] = At(a, v, index / s.Positions, index % s.Positions, s).Value;
    }

    private static void AddGradientKernel(Index1D i, ArrayView<float> a, ArrayView<float> v, ArrayView<float> gradient, Sizes s)
    {
        int index = i;
        var (n, p) = (index / s.Positions, index % s.Positions);
        if (s.Item >= 0 && n != s.Item) return;
        var f = At(a, v, n, p, s);
        for (var c = 0; c < s.Channels; c++)
        {
            var at = (n * s.Channels + c) * s.Positions + p;
            gradient[at] += s.Scale * (v[c] * f.Weight + f.Chain * (v[c] / f.Denominator - f.Radial * a[at]));
        }
    }
}
