using DeepVis.Kernels.Image;

namespace DeepVis.Optim.Steps;

/// <summary>Adds lambda * ||x||^2 to the loss (Simonyan et al.'s class-model penalty): g += 2 lambda x.</summary>
public sealed class L2PenaltyHook(float lambda) : IStepHook
{
    public void OnGradient(StepContext c) => L2Penalty.AddGradient(c.Image, c.Gradient, lambda);
}

/// <summary>Adds weight * TV^beta(x) to the loss (Mahendran &amp; Vedaldi's total-variation prior).</summary>
public sealed class TotalVariationHook(float weight, float beta) : IStepHook
{
    public void OnGradient(StepContext c) => TotalVariation.AddGradient(c.Image, c.Gradient, weight, beta);
}

/// <summary>Adds weight * sum |x|^alpha to the loss (Mahendran &amp; Vedaldi's alpha-norm prior, alpha = 6 there).</summary>
public sealed class AlphaNormHook(float weight, float alpha) : IStepHook
{
    public void OnGradient(StepContext c) => AlphaNorm.AddGradient(c.Image, c.Gradient, weight, alpha);
}
