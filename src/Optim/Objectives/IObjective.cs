using DeepVis.Kernels.Runtime;
using DeepVis.Nets;

namespace DeepVis.Optim.Objectives;

/// <summary>
/// Something to minimize, read off one layer's output. Every objective is a loss (maximizing a
/// logit is minimizing its negative), so every update descends. Objectives at several layers add up.
/// </summary>
public interface IObjective : IDisposable
{
    NetworkLayer Layer { get; }

    /// <summary>Enqueues gradient += d loss / d activation; runs every step, on the device.</summary>
    void AddGradient(Tensor activation, Tensor gradient);

    /// <summary>The loss per batch item, read back to the host: call it only every K steps (progress).</summary>
    float[] Loss(Tensor activation);
}
