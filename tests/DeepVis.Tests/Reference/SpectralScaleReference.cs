namespace DeepVis.Tests.Reference;

/// <summary>Lucid's spectrum weights from numpy's fftfreq, in double, for tests only.</summary>
public static class SpectralScaleReference
{
    private static double FftFreq(int k, int n) => (k < (n + 1) / 2 ? k : k - n) / (double)n;

    public static double[] Apply(double[] spectrum, int[] spectrumShape, int width, double decay, double gain)
    {
        var (h, k) = (spectrumShape[2], spectrumShape[3]);
        var y = new double[spectrum.Length];
        for (var i = 0; i < y.Length; i++)
        {
            var (kx, ky) = (i / 2 % k, i / (2 * k) % h);
            var f = Math.Sqrt(Math.Pow(FftFreq(ky, h), 2) + Math.Pow(kx / (double)width, 2));
            y[i] = gain * spectrum[i] / Math.Pow(Math.Max(f, 1.0 / Math.Max(width, h)), decay);
        }
        return y;
    }
}
