namespace DeepVis.Tests.Reference;

/// <summary>
/// Plain double-precision split Bregman TV denoising (Goldstein &amp; Osher, isotropic, Jacobi sweeps),
/// the same algorithm as the device's, written per plane with 2-D arrays, for tests only; and the
/// isotropic total variation used to measure it.
/// </summary>
public static class TvDenoiseReference
{
    public static double[] Apply(double[] f, int[] shape, double weight, int iterations, int sweeps)
    {
        var (planes, h, w) = (shape[0] * shape[1], shape[2], shape[3]);
        var result = new double[f.Length];
        for (var p = 0; p < planes; p++)
        {
            var plane = Plane(f, p, h, w);
            var u = Solve(plane, weight, iterations, sweeps);
            for (var i = 0; i < h; i++)
                for (var j = 0; j < w; j++) result[(p * h + i) * w + j] = u[i, j];
        }
        return result;
    }

    /// <summary>sum over every plane's pixels of |grad u| (forward differences, 0 past the edges), per image.</summary>
    public static double[] IsotropicTv(double[] x, int[] shape)
    {
        var (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3]);
        var tv = new double[n];
        for (var b = 0; b < n; b++)
            for (var p = 0; p < c; p++)
            {
                var u = Plane(x, b * c + p, h, w);
                for (var i = 0; i < h; i++)
                    for (var j = 0; j < w; j++)
                    {
                        var (gx, gy) = Gradient(u, i, j);
                        tv[b] += Math.Sqrt(gx * gx + gy * gy);
                    }
            }
        return tv;
    }

    private static double[,] Plane(double[] x, int p, int h, int w)
    {
        var plane = new double[h, w];
        for (var i = 0; i < h; i++)
            for (var j = 0; j < w; j++) plane[i, j] = x[(p * h + i) * w + j];
        return plane;
    }

    private static (double X, double Y) Gradient(double[,] u, int i, int j)
    {
        var (h, w) = (u.GetLength(0), u.GetLength(1));
        return (j + 1 < w ? u[i, j + 1] - u[i, j] : 0, i + 1 < h ? u[i + 1, j] - u[i, j] : 0);
    }

    /// <summary>min weight * TV(u) + 1/2 ||u - f||^2: mu = 1 / weight, lambda = 2 mu, u0 = f, d = b = 0.</summary>
    private static double[,] Solve(double[,] f, double weight, int iterations, int sweeps)
    {
        var (h, w) = (f.GetLength(0), f.GetLength(1));
        var (mu, lambda) = (1 / weight, 2 / weight);
        var u = (double[,])f.Clone();
        var (dx, dy, bx, by) = (new double[h, w], new double[h, w], new double[h, w], new double[h, w]);
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            for (var sweep = 0; sweep < sweeps; sweep++)
            {
                // Jacobi: every pixel from the previous sweep's u. Row i of (mu I + lambda grad^T grad) u = mu f + lambda grad^T (d - b).
                var next = new double[h, w];
                for (var i = 0; i < h; i++)
                    for (var j = 0; j < w; j++)
                    {
                        double neighbours = 0, count = 0, adjoint = 0;
                        if (j > 0) { neighbours += u[i, j - 1]; count++; adjoint += dx[i, j - 1] - bx[i, j - 1]; }
                        if (j + 1 < w) { neighbours += u[i, j + 1]; count++; adjoint -= dx[i, j] - bx[i, j]; }
                        if (i > 0) { neighbours += u[i - 1, j]; count++; adjoint += dy[i - 1, j] - by[i - 1, j]; }
                        if (i + 1 < h) { neighbours += u[i + 1, j]; count++; adjoint -= dy[i, j] - by[i, j]; }
                        next[i, j] = (mu * f[i, j] + lambda * (neighbours + adjoint)) / (mu + lambda * count);
                    }
                u = next;
            }
            for (var i = 0; i < h; i++)
                for (var j = 0; j < w; j++)
                {
                    var (gx, gy) = Gradient(u, i, j);
                    var (sx, sy) = (gx + bx[i, j], gy + by[i, j]);
                    var magnitude = Math.Sqrt(sx * sx + sy * sy);
                    var scale = Math.Max(magnitude - 1 / lambda, 0) / Math.Max(magnitude, 1e-300);
                    (dx[i, j], dy[i, j]) = (scale * sx, scale * sy);
                    (bx[i, j], by[i, j]) = (sx - dx[i, j], sy - dy[i, j]);
                }
        }
        return u;
    }
}
