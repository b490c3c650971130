namespace DeepVis.Tests.Reference;

/// <summary>Plain double-precision Adam (PyTorch's torch.optim.Adam without weight decay), for tests only.</summary>
public static class AdamReference
{
    /// <summary>Step t (from 1): updates x, m and v in place.</summary>
    public static void Step(double[] x, double[] g, double[] m, double[] v, double rate, int t,
        double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        var (correction1, correction2) = (1 - Math.Pow(beta1, t), 1 - Math.Pow(beta2, t));
        for (var i = 0; i < x.Length; i++)
        {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i];
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
            x[i] -= rate / correction1 * m[i] / (Math.Sqrt(v[i] / correction2) + epsilon);
        }
    }
}
