using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Weights;
using DeepVis.Optim.Parameterization;
using DeepVis.Optim.Steps;
using DeepVis.Optim.Transforms;

namespace DeepVis.Optim.Render;

/// <summary>
/// The step hook that makes <see cref="ImageOptimizer"/> a Lucid-style render: before the forward
/// pass, parameters -> pixel image -> this step's random transforms (one affine sample per image) ->
/// the network's normalization into the optimizer's input; on the gradient, the same chain backwards
/// to the parameters and the update (Adam or the normalized step) on the parameters. All device work;
/// the transforms of the whole run were drawn and uploaded when the pipeline was built. Image n draws
/// its transforms, then its start, from its own source, so it renders the same alone as in a batch.
/// </summary>
public sealed class RenderPipeline : IStepHook
{
    private readonly ImageParameterization _parameters;
    private readonly Tensor? _maps;
    private readonly Tensor? _transformed;
    private readonly Tensor? _transformedGradient;
    private readonly ChannelStats _normalization;
    private readonly IStepHook _update;
    private readonly int _steps;

    public RenderPipeline(Device device, ModelInfo info, int[] imageShape, ParameterizationSettings parameterization,
        TransformChain transforms, int steps, IStepHook update, IReadOnlyList<Random> sources)
    {
        _parameters = new ImageParameterization(device, imageShape, parameterization, info.ColorOrder == "BGR");
        _steps = steps;
        _update = update;
        _normalization = PixelInput.Normalization(device, info);
        if (!transforms.IsEmpty)
        {
            _maps = transforms.Upload(device, steps, imageShape[2], imageShape[3], sources);
            _transformed = new Tensor(device, imageShape);
            _transformedGradient = new Tensor(device, imageShape);
        }
        _parameters.Start(sources);
    }

    public ImageParameterization Parameters => _parameters;

    /// <summary>The pixel images (0..1, the network's channel order) as of the last render.</summary>
    public Tensor Image => _parameters.Image;

    public void BeforeForward(StepContext c)
    {
        _parameters.Render();
        if (_maps is null) Normalize.Forward(_parameters.Image, _normalization, c.Image);
        else
        {
            AffineSample.Forward(_parameters.Image, _transformed!, _maps, Row(c), TransformChain.Padding);
            Normalize.Forward(_transformed!, _normalization, c.Image);
        }
    }

    public void OnGradient(StepContext c)
    {
        if (_maps is null) Normalize.Backward(c.Gradient, _normalization, _parameters.ImageGradient);
        else
        {
            Normalize.Backward(c.Gradient, _normalization, _transformedGradient!);
            AffineSample.Backward(_transformedGradient!, _parameters.ImageGradient, _maps, Row(c));
        }
        _parameters.Backward();
        _update.OnGradient(c with { Image = _parameters.Parameters, Gradient = _parameters.Gradient });
    }

    /// <summary>Renders the current parameters, untransformed, into the network's input: for measuring the result.</summary>
    public void Show(Tensor input)
    {
        _parameters.Render();
        Normalize.Forward(_parameters.Image, _normalization, input);
    }

    private int Row(StepContext c) => c.Step % _steps * c.Image.N;

    public void Dispose()
    {
        _parameters.Dispose();
        _maps?.Dispose();
        _transformed?.Dispose();
        _transformedGradient?.Dispose();
        _normalization.Dispose();
        _update.Dispose();
    }
}
