namespace DeepVis.Tests.Support;

/// <summary>Network-level comparisons against PyTorch fixtures.</summary>
public static class RelativeError
{
    /// <summary>max |actual - expected| relative to max |expected|, so tiny elements do not dominate.</summary>
    public static void AssertBelow(double tolerance, float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = 0, error = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            scale = Math.Max(scale, Math.Abs(expected[i]));
            error = Math.Max(error, Math.Abs(expected[i] - (double)actual[i]));
        }
        Assert.True(scale > 0, $"{what}: the reference is all zeros, so the comparison would prove nothing");
        Assert.True(error <= tolerance * scale, $"{what}: max error {error:E2} against max |value| {scale:E2} (relative {error / scale:E2} > {tolerance})");
    }
}
