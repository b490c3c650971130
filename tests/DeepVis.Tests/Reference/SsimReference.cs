namespace DeepVis.Tests.Reference;

/// <summary>
/// SSIM written the long way, for tests only: at every position where the whole window fits, the
/// 2-D Gaussian weights are built directly, and the means, variances and covariance are taken as
/// weighted sums of centred values (the implementation filters E[x], E[x^2], E[xy] separably instead).
/// </summary>
public static class SsimReference
{
    public static double Compute(float[] a, float[] b, int channels, int height, int width, double range, int size = 11, double sigma = 1.5)
    {
        var r = size / 2;
        var weights = new double[size, size];
        double norm = 0;
        for (var i = 0; i < size; i++)
            for (var j = 0; j < size; j++) norm += weights[i, j] = Math.Exp(-((i - r) * (i - r) + (j - r) * (j - r)) / (2 * sigma * sigma));
        var (c1, c2) = (Math.Pow(0.01 * range, 2), Math.Pow(0.03 * range, 2));
        double total = 0;
        for (var c = 0; c < channels; c++)
        {
            double sum = 0;
            var count = 0;
            for (var top = 0; top + size <= height; top++)
                for (var left = 0; left + size <= width; left++)
                {
                    double X(int i, int j) => a[(c * height + top + i) * width + left + j];
                    double Y(int i, int j) => b[(c * height + top + i) * width + left + j];
                    double mx = 0, my = 0;
                    for (var i = 0; i < size; i++)
                        for (var j = 0; j < size; j++)
                        {
                            mx += weights[i, j] / norm * X(i, j);
                            my += weights[i, j] / norm * Y(i, j);
                        }
                    double vx = 0, vy = 0, cov = 0;
                    for (var i = 0; i < size; i++)
                        for (var j = 0; j < size; j++)
                        {
                            var w = weights[i, j] / norm;
                            vx += w * (X(i, j) - mx) * (X(i, j) - mx);
                            vy += w * (Y(i, j) - my) * (Y(i, j) - my);
                            cov += w * (X(i, j) - mx) * (Y(i, j) - my);
                        }
                    sum += (2 * mx * my + c1) * (2 * cov + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
                    count++;
                }
            total += sum / count;
        }
        return total / channels;
    }
}
