using DeepVis.Optim.Parameterization;
using DeepVis.Optim.Transforms;

namespace DeepVis.Optim.Render;

/// <summary>The update rule on the parameters.</summary>
public enum RenderOptimizer
{
    /// <summary>Adam (Lucid's default, learning rate 0.05).</summary>
    Adam,

    /// <summary>The normalized step of the other verbs (filters, class, dream): x -= lr * g / mean|g| per image.</summary>
    Normalized,
}

/// <summary>
/// A Lucid-style render: square images of <paramref name="Size"/> pixels, <paramref name="Steps"/>
/// updates, the parameterization, the transforms each step, the update rule with its rate, and for how
/// many first steps ReLUs pass Lucid's redirected gradient (<see cref="Steps.RedirectedRelu"/>).
/// </summary>
public sealed record RenderSettings(int Size, int Steps, ParameterizationSettings Parameterization, TransformChain Transforms,
    RenderOptimizer Optimizer, float LearningRate, int RedirectedSteps = Steps.RedirectedRelu.DefaultSteps)
{
    public const int DefaultSteps = 512;

    public const float DefaultLearningRate = 0.05f;

    /// <summary>Lucid's recipe: spectral, decorrelated (when the model has colour), standard transforms, Adam at 0.05.</summary>
    public static RenderSettings Lucid(int size, int channels, int steps = DefaultSteps) =>
        new(size, steps, new ParameterizationSettings(true, channels == 3), TransformChain.Standard, RenderOptimizer.Adam, DefaultLearningRate);

    /// <summary>The recipe in words, e.g. "fft+decorrelate, transforms none, adam at 0.05".</summary>
    public string Recipe => $"{Parameterization.Name}, transforms {Transforms.Text}, {Optimizer.ToString().ToLowerInvariant()} at {LearningRate}";

    /// <summary>The first thing out of range, or null.</summary>
    public string? Problem() =>
        Size < 1 ? $"--size must be at least 1, got {Size}"
        : Steps < 1 ? $"--steps must be at least 1, got {Steps}"
        : !(LearningRate > 0) || !float.IsFinite(LearningRate) ? $"--lr must be positive, got {LearningRate}"
        : RedirectedSteps < 0 ? $"redirected ReLU steps must not be negative, got {RedirectedSteps}"
        : !(Parameterization.Decay >= 0) ? $"the spectral decay must not be negative, got {Parameterization.Decay}"
        : Transforms.Problem(Size, Size);
}
