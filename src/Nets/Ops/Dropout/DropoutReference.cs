namespace DeepVis.Tests.Reference;

/// <summary>Dropout at inference, for tests only: the identity in both directions.</summary>
public static class DropoutReference
{
    public static double[] Forward(double[] x) => [.. x];

    public static double[] Backward(double[] dy) => [.. dy];
}
