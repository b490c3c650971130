using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Kernels.Update;
using DeepVis.Nets;

namespace DeepVis.Optim.Objectives;

/// <summary>
/// Maximize &lt;activation, mask&gt; per batch item, with a constant mask uploaded once: a class logit
/// (one-hot over the logits, a different class per item) or a filter's mean activation (1/(H*W) over
/// one channel, a different filter per item). Loss = -&lt;activation, mask&gt;; its gradient is -mask.
/// </summary>
public sealed class MaskObjective : IObjective
{
    private readonly Tensor _mask;
    private readonly Tensor _value;

    private MaskObjective(NetworkLayer layer, Tensor mask)
    {
        Layer = layer;
        _mask = mask;
        _value = new Tensor(mask.Device, mask.N);
    }

    public NetworkLayer Layer { get; }

    /// <summary>Item n maximizes output[n, classes[n]] of a [N, classes] layer.</summary>
    public static MaskObjective Logits(Device device, NetworkLayer layer, int[] outputShape, IReadOnlyList<int> classes)
    {
        var (n, width) = (outputShape[0], outputShape.Skip(1).Aggregate(1, (a, b) => a * b));
        var mask = new float[n * width];
        for (var i = 0; i < n; i++) mask[i * width + classes[i]] = 1f;
        return new MaskObjective(layer, Tensor.FromArray(device, mask, outputShape));
    }

    /// <summary>Item n maximizes the mean of channel channels[n] of an [N, C, H, W] layer.</summary>
    public static MaskObjective ChannelMeans(Device device, NetworkLayer layer, int[] outputShape, IReadOnlyList<int> channels)
    {
        var (n, c, plane) = (outputShape[0], outputShape[1], outputShape.Skip(2).Aggregate(1, (a, b) => a * b));
        var mask = new float[n * c * plane];
        for (var i = 0; i < n; i++) Array.Fill(mask, 1f / plane, (i * c + channels[i]) * plane, plane);
        return new MaskObjective(layer, Tensor.FromArray(device, mask, outputShape));
    }

    /// <summary>Item n maximizes &lt;output[n], mask[n]&gt; for any mask of the layer's output shape (weighted sums of terms).</summary>
    public static MaskObjective FromMask(Device device, NetworkLayer layer, int[] outputShape, float[] mask) =>
        new(layer, Tensor.FromArray(device, mask, outputShape));

    public void AddGradient(Tensor activation, Tensor gradient) => Arithmetic.Axpy(-1f, _mask, gradient);

    public float[] Loss(Tensor activation)
    {
        ImageStats.Dot(activation, _mask, _value);
        return Array.ConvertAll(_value.ToArray(), v => -v);
    }

    public void Dispose()
    {
        _mask.Dispose();
        _value.Dispose();
    }
}
