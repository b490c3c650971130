using DeepVis.Nets;

namespace DeepVis.Optim.Benchmark;

/// <summary>How far our logits and input gradient are from a reference: max |ours - theirs| / max |theirs|.</summary>
public sealed record CheckResult(double LogitError, double GradientError)
{
    public bool Within(double tolerance) => LogitError <= tolerance && GradientError <= tolerance;
}

/// <summary>
/// Checks the benchmark step's forward and backward against a reference computed elsewhere (PyTorch's
/// bench/pytorch_step.py): the logits of <c>input</c> and d logits[:, class] / d input.
/// </summary>
public static class ReferenceCheck
{
    public static CheckResult Run(Network network, float[] input, int[] shape, int classIndex, float[] logits, float[] gradient)
    {
        var layer = network.Resolve("logits");
        using var workspace = new Workspace(network, shape, layer);
        workspace.Input.CopyFrom(input);
        workspace.Forward();
        var classes = workspace.Output.ItemLength;
        var seed = new float[workspace.Output.Length];
        for (var n = 0; n < shape[0]; n++) seed[n * classes + classIndex] = 1f;
        workspace.OutputGradient.CopyFrom(seed);
        workspace.Backward();
        return new CheckResult(RelativeError(workspace.Output.ToArray(), logits), RelativeError(workspace.InputGradient.ToArray(), gradient));
    }

    private static double RelativeError(float[] ours, float[] theirs)
    {
        if (ours.Length != theirs.Length) return double.PositiveInfinity;
        double worst = 0, scale = 0;
        for (var i = 0; i < ours.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs((double)ours[i] - theirs[i]));
            scale = Math.Max(scale, Math.Abs((double)theirs[i]));
        }
        return worst / Math.Max(scale, 1e-30);
    }
}
