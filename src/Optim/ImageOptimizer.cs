using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Optim.Objectives;
using DeepVis.Optim.Steps;

namespace DeepVis.Optim;

/// <summary>Progress of a run: the step just finished and the loss per image at that step.</summary>
public readonly record struct Progress(int Step, int Iterations, float[] Loss);

/// <summary>An optimization whose objective became NaN or infinite; the message is one line.</summary>
public sealed class DivergedException(string message) : DeepVisException(message);

/// <summary>
/// Optimizes a batch of images (in the network's normalized input space) against objectives, with a
/// pipeline of step hooks. Every step is enqueued on the device: forward, objective seeds, backward,
/// hooks, update. The host reads the per-image loss only every <c>reportEvery</c> steps, and stops the
/// run there with a <see cref="DivergedException"/> when a loss is no longer finite.
/// </summary>
public sealed class ImageOptimizer : IDisposable
{
    private readonly Workspace _workspace;
    private readonly IReadOnlyList<IObjective> _objectives;
    private readonly IReadOnlyList<IStepHook> _hooks;

    public ImageOptimizer(Network network, int[] imageShape, IReadOnlyList<IObjective> objectives, IReadOnlyList<IStepHook> hooks)
    {
        if (objectives.Count == 0) throw new ArgumentException("an optimization needs at least one objective");
        _objectives = objectives;
        _hooks = hooks;
        _workspace = new Workspace(network, imageShape, [.. objectives.Select(o => o.Layer).DistinctBy(l => l.Index)]);
    }

    /// <summary>The images being optimized; fill it before <see cref="Run"/>, read it after.</summary>
    public Tensor Image => _workspace.Input;

    /// <summary>Runs the steps; returns the loss per image at the last step.</summary>
    public float[] Run(int iterations, int reportEvery, Random random, Action<Progress>? progress = null, Action<int>? afterStep = null)
    {
        var loss = Array.Empty<float>();
        for (var step = 0; step < iterations; step++)
        {
            Step(step, iterations, random);
            if ((step + 1) % reportEvery == 0 || step == iterations - 1)
            {
                // The loss is read back here anyway: a run whose objective stopped being a number ends now,
                // instead of finishing with black images and exit 0.
                loss = Loss();
                ThrowIfDiverged(loss, $"the objective of image {{0}} became {{1}} by step {step + 1}");
                progress?.Invoke(new Progress(step + 1, iterations, loss));
            }
            afterStep?.Invoke(step + 1);
        }
        // The last update comes after the last loss was read: an image it made non-finite ends the run too.
        if (iterations > 0)
        {
            var pixels = Image.ToArray();
            var perImage = pixels.Length / Image.N;
            if (Array.FindIndex(pixels, v => !float.IsFinite(v)) is var at and >= 0)
                ThrowIfDiverged([pixels[at]], $"image {at / perImage} became {{1}} at step {iterations}");
        }
        return loss;
    }

    /// <summary>
    /// Ends a run whose value stopped being a number: <paramref name="what"/> is a format whose {0} is
    /// the index of the first such value and {1} the value.
    /// </summary>
    public static void ThrowIfDiverged(float[] values, string what)
    {
        if (Array.FindIndex(values, v => !float.IsFinite(v)) is var at and >= 0)
            throw new DivergedException(string.Format(System.Globalization.CultureInfo.InvariantCulture, what, at, values[at]) +
                ": the optimization diverged (a learning rate or step size too large for this model?)");
    }

    /// <summary>Enqueues one step (hooks, forward, objective seeds, backward, update) without waiting for the device.</summary>
    public void Step(int step, int iterations, Random random)
    {
        var context = new StepContext(step, iterations, _workspace.Input, _workspace.InputGradient, random);
        foreach (var hook in _hooks) hook.BeforeForward(context);
        _workspace.Forward();
        _workspace.Backward((layer, gradient) =>
        {
            foreach (var objective in _objectives)
                if (objective.Layer.Index == layer) objective.AddGradient(_workspace.OutputOf(layer), gradient);
        });
        foreach (var hook in _hooks) hook.OnGradient(context);
        foreach (var hook in _hooks) hook.AfterUpdate(context);
    }

    /// <summary>The total loss per image from the activations of the last forward pass (reads back a few floats).</summary>
    public float[] Loss()
    {
        var total = new float[_workspace.Input.N];
        foreach (var objective in _objectives)
        {
            var loss = objective.Loss(_workspace.OutputOf(objective.Layer.Index));
            for (var n = 0; n < total.Length; n++) total[n] += loss[n];
        }
        return total;
    }

    /// <summary>Runs the network forward on <see cref="Image"/> and returns a layer's output (a copy on the host).</summary>
    public float[] Evaluate(NetworkLayer layer) => Forward(layer).ToArray();

    /// <summary>Runs the network forward on <see cref="Image"/>; returns a layer's output on the device, valid until the next step.</summary>
    public Tensor Forward(NetworkLayer layer)
    {
        _workspace.Forward();
        return _workspace.OutputOf(layer.Index);
    }

    public void Dispose()
    {
        _workspace.Dispose();
        foreach (var hook in _hooks) hook.Dispose();
        foreach (var objective in _objectives) objective.Dispose();
    }
}
