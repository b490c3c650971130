using DeepVis.Kernels.Runtime;

namespace DeepVis.Optim.Parameterization;

/// <summary>How unbounded values become pixels in 0..1.</summary>
public enum PixelRange
{
    /// <summary>The logistic function (Lucid's default): <see cref="SigmoidRange"/>.</summary>
    Sigmoid,

    /// <summary>A clamp, the gradient passed inside and zero outside: <see cref="ClampRange"/>.</summary>
    Clamp,
}

/// <summary>
/// How the images of a render are parameterized: Lucid's spectral basis or pixels, decorrelated colour
/// or not, squashed by a sigmoid or clamped into the pixel range.
/// </summary>
public sealed record ParameterizationSettings(bool Fourier, bool Decorrelate, float Decay = 1f, PixelRange Range = PixelRange.Sigmoid)
{
    /// <summary>Lucid's initial standard deviation of the parameters (pixels or spectrum).</summary>
    public const float StartDeviation = 0.01f;

    public static ParameterizationSettings Pixels { get; } = new(false, false);

    public string Name => (Fourier ? "fft" : "pixel") + (Decorrelate ? "+decorrelate" : "") + (Range == PixelRange.Clamp ? "+clamp" : "");
}

/// <summary>
/// The optimized parameters of a batch of images and the chain of stages that turns them into pixel
/// images in 0..1 ([N, C, H, W]): [spectrum -> ] [decorrelated colour -> ] sigmoid or clamp. One channel
/// (grayscale models) skips the colour stage. <see cref="Render"/> and <see cref="Backward"/> only
/// enqueue device work; the intermediate values and gradients are allocated once.
/// </summary>
public sealed class ImageParameterization : IDisposable
{
    private readonly IImageStage[] _stages;
    private readonly Tensor[] _values;
    private readonly Tensor[] _gradients;

    public ImageParameterization(Device device, int[] imageShape, ParameterizationSettings settings, bool bgr = false)
    {
        if (settings.Decorrelate && imageShape[1] != 3)
            throw new SettingsException($"colour decorrelation needs 3 channels, the images have {imageShape[1]}");
        var stages = new List<IImageStage>();
        if (settings.Fourier) stages.Add(new FourierBasis(device, imageShape, settings.Decay));
        if (settings.Decorrelate) stages.Add(new DecorrelatedColor(bgr));
        stages.Add(settings.Range == PixelRange.Clamp ? new ClampRange(device, imageShape) : new SigmoidRange());
        _stages = [.. stages];
        // _values[k] is stage k's input; the last is the image.
        var shapes = new int[_stages.Length + 1][];
        shapes[^1] = imageShape;
        for (var k = _stages.Length - 1; k >= 0; k--) shapes[k] = _stages[k].InputShape(shapes[k + 1]);
        _values = [.. shapes.Select(s => new Tensor(device, s))];
        _gradients = [.. shapes.Select(s => new Tensor(device, s))];
        Settings = settings;
    }

    public ParameterizationSettings Settings { get; }

    public Tensor Parameters => _values[0];

    /// <summary>d objective / d parameters after <see cref="Backward"/>.</summary>
    public Tensor Gradient => _gradients[0];

    /// <summary>The pixel images (0..1) after <see cref="Render"/>.</summary>
    public Tensor Image => _values[^1];

    /// <summary>The gradient with respect to <see cref="Image"/>: fill it before <see cref="Backward"/>.</summary>
    public Tensor ImageGradient => _gradients[^1];

    /// <summary>
    /// Parameters drawn from N(0, <see cref="ParameterizationSettings.StartDeviation"/>^2) (Lucid's start),
    /// image n's from <paramref name="sources"/>[n] (the same source for every image draws them in order).
    /// </summary>
    public void Start(IReadOnlyList<Random> sources)
    {
        var data = new float[Parameters.Length];
        var perImage = data.Length / sources.Count;
        for (var i = 0; i < data.Length; i++)
        {
            // Box-Muller: the host draws once per run.
            var random = sources[i / perImage];
            var (u, v) = (1 - random.NextDouble(), random.NextDouble());
            data[i] = (float)(ParameterizationSettings.StartDeviation * Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v));
        }
        Parameters.CopyFrom(data);
    }

    /// <summary>The parameters that give these pixel images (0..1, NCHW), through each stage's inverse.</summary>
    public void StartFrom(float[] pixels)
    {
        Image.CopyFrom(pixels);
        for (var k = _stages.Length - 1; k >= 0; k--) _stages[k].Inverse(_values[k + 1], _values[k]);
    }

    public void Render()
    {
        for (var k = 0; k < _stages.Length; k++) _stages[k].Forward(_values[k], _values[k + 1]);
    }

    /// <summary><see cref="Gradient"/> from <see cref="ImageGradient"/>, at the last <see cref="Render"/>.</summary>
    public void Backward()
    {
        for (var k = _stages.Length - 1; k >= 0; k--) _stages[k].Backward(_values[k], _values[k + 1], _gradients[k + 1], _gradients[k]);
    }

    public void Dispose()
    {
        foreach (var stage in _stages) stage.Dispose();
        foreach (var t in _values.Concat(_gradients)) t.Dispose();
    }
}
