using DeepVis.Nets;

namespace DeepVis.Optim.Benchmark;

/// <summary>
/// How far our logits and input gradient are from a reference: max |ours - theirs| / max |theirs| for
/// the logits, ||ours - theirs|| / ||theirs|| (L2) for the gradient. A ReLU whose input lies within
/// float32 rounding of zero goes one way in one implementation and the other way in another, moving
/// single elements of a deep network's input gradient by a large fraction of its largest element
/// (seen on ResNet-18 at 224: one element of 150,528); the L2 norm measures the whole gradient.
/// </summary>
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
        return new CheckResult(RelativeError(workspace.Output.ToArray(), logits), RelativeL2Error(workspace.InputGradient.ToArray(), gradient));
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

    private static double RelativeL2Error(float[] ours, float[] theirs)
    {
        if (ours.Length != theirs.Length) return double.PositiveInfinity;
        double difference = 0, norm = 0;
        for (var i = 0; i < ours.Length; i++)
        {
            difference += ((double)ours[i] - theirs[i]) * ((double)ours[i] - theirs[i]);
            norm += (double)theirs[i] * theirs[i];
        }
        return Math.Sqrt(difference / Math.Max(norm, 1e-300));
    }
}
