using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Runtime;
using Device = DeepVis.Kernels.Runtime.Device;

namespace DeepVis.Kernels.Gemm;

/// <summary>
/// <see cref="Groups"/> independent matrix products C_g[M, P] = A_g[M, K] * B_g[K, P] of one size, whose
/// operands are gathered on the fly: a (grouped) convolution as implicit GEMM, with no im2col buffer
/// (Conv2dProblems.cs holds the two gathers). A plain product has one group.
/// </summary>
internal interface IGemmProblem
{
    int Groups { get; }
    int M { get; }
    int P { get; }
    int K { get; }

    /// <summary>Element (m, k) of A of group g; called only for m &lt; M and k &lt; K.</summary>
    float A(int g, int m, int k);

    /// <summary>Element (k, p) of B of group g; called only for k &lt; K and p &lt; P.</summary>
    float B(int g, int k, int p);

    /// <summary>Writes C[m, p] of group g; called once per element.</summary>
    void Store(int g, int m, int p, float value);
}

/// <summary>
/// How a tiled launch lays its threads out: a group of <see cref="ThreadsM"/> x <see cref="ThreadsP"/>
/// threads computes a (4 ThreadsM) x (4 ThreadsP) tile of C, each thread a 4x4 block in registers.
/// </summary>
public readonly record struct GemmTiling(int ThreadsM, int ThreadsP)
{
    public int TileM => ThreadsM * ImplicitGemm.Block;
    public int TileP => ThreadsP * ImplicitGemm.Block;
    public int Threads => ThreadsM * ThreadsP;

    public override string ToString() => $"{ThreadsM}x{ThreadsP} threads, {TileM}x{TileP} tiles";

    /// <summary>The largest square-ish layout the device's groups allow (16 x 16 on a GPU, 4 x 4 on the CPU accelerator).</summary>
    public static GemmTiling For(Device device)
    {
        var threads = device.GroupSize;
        var m = 1;
        while (m * m < threads) m *= 2;
        m = Math.Min(m, ImplicitGemm.MaxThreadsPerSide);
        return new GemmTiling(m, Math.Min(threads / m, ImplicitGemm.MaxThreadsPerSide));
    }

    /// <summary>The first thing that does not fit the kernel's shared memory or the device's groups, or null.</summary>
    public string? Problem(Device device)
    {
        if (ThreadsM < 1 || ThreadsP < 1 || ThreadsM > ImplicitGemm.MaxThreadsPerSide || ThreadsP > ImplicitGemm.MaxThreadsPerSide)
            return $"gemm tiling: threads per side must be 1 to {ImplicitGemm.MaxThreadsPerSide}, got {ThreadsM} x {ThreadsP}";
        if (Threads > device.Accelerator.MaxNumThreadsPerGroup)
            return $"gemm tiling: {Threads} threads per group, the device allows {device.Accelerator.MaxNumThreadsPerGroup}";
        return null;
    }
}

/// <summary>
/// The tiled product kernel: per stage, the group copies a TileM x <see cref="TileK"/> slab of A and a
/// <see cref="TileK"/> x TileP slab of B into shared memory, then each thread accumulates its 4x4 block
/// from them. Thread (i, j) owns rows i + r ThreadsM and columns j + c ThreadsP (r, c &lt; 4), so
/// neighbouring threads store neighbouring outputs and read neighbouring shared words.
/// </summary>
internal static class ImplicitGemm
{
    /// <summary>Rows and columns of C per thread (register blocking).</summary>
    public const int Block = 4;

    /// <summary>Depth of one shared-memory stage.</summary>
    public const int TileK = 16;

    public const int MaxThreadsPerSide = 16;

    private const int MaxTile = MaxThreadsPerSide * Block;

    private sealed class Loaded<TProblem>(Accelerator a) : IKernelSet<Loaded<TProblem>> where TProblem : struct, IGemmProblem
    {
        public static Loaded<TProblem> Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<KernelConfig, TProblem, GemmTiling> Run =
            a.LoadStreamKernel<TProblem, GemmTiling>(Kernel<TProblem>);
    }

    public static void Run<TProblem>(Device device, TProblem problem, GemmTiling tiling) where TProblem : struct, IGemmProblem
    {
        if (tiling.Problem(device) is { } message) throw new ArgumentException(message, nameof(tiling));
        if (problem.M == 0 || problem.P == 0 || problem.Groups == 0) return;
        // The groups are folded into the grid's second axis: (group, column tile).
        var grid = new Index2D((problem.M + tiling.TileM - 1) / tiling.TileM,
            problem.Groups * ((problem.P + tiling.TileP - 1) / tiling.TileP));
        (device.Ilgpu<Loaded<TProblem>>() ?? throw new InvalidOperationException("implicit GEMM has no CPU implementation: the cpu device runs the CPU kernels"))
            .Run(new KernelConfig(grid, new Index2D(tiling.Threads, 1)), problem, tiling);
    }

    private static void Kernel<TProblem>(TProblem problem, GemmTiling tiling) where TProblem : struct, IGemmProblem
    {
        var a = SharedMemory.Allocate<float>(TileK * MaxTile);
        var b = SharedMemory.Allocate<float>(TileK * MaxTile);
        int tileM = tiling.TileM, tileP = tiling.TileP, threads = tiling.Threads;
        var pTiles = (problem.P + tileP - 1) / tileP;
        int group = Grid.IdxY / pTiles, m0 = Grid.IdxX * tileM, p0 = (Grid.IdxY - group * pTiles) * tileP;
        var t = Group.IdxX;
        int i = t % tiling.ThreadsM, j = t / tiling.ThreadsM;
        Row4 r0 = default, r1 = default, r2 = default, r3 = default;
        for (var k0 = 0; k0 < problem.K; k0 += TileK)
        {
            // A slab stored k-major (a[kk * tileM + mm]); m runs fastest across threads, as A's
            // gathers are contiguous along the output row.
            for (var e = t; e < TileK * tileM; e += threads)
            {
                int kk = e / tileM, m = m0 + e % tileM, k = k0 + kk;
                a[e] = m < problem.M && k < problem.K ? problem.A(group, m, k) : 0f;
            }
            // B slab stored k-major too, but read with k fastest: the weights are contiguous along k.
            for (var e = t; e < TileK * tileP; e += threads)
            {
                int kk = e % TileK, pp = e / TileK, k = k0 + kk, p = p0 + pp;
                b[kk * tileP + pp] = p < problem.P && k < problem.K ? problem.B(group, k, p) : 0f;
            }
            Group.Barrier();
            for (var kk = 0; kk < TileK; kk++)
            {
                int am = kk * tileM + i, bp = kk * tileP + j;
                var column = new Row4(b[bp], b[bp + tiling.ThreadsP], b[bp + 2 * tiling.ThreadsP], b[bp + 3 * tiling.ThreadsP]);
                r0 = r0.Add(a[am], column);
                r1 = r1.Add(a[am + tiling.ThreadsM], column);
                r2 = r2.Add(a[am + 2 * tiling.ThreadsM], column);
                r3 = r3.Add(a[am + 3 * tiling.ThreadsM], column);
            }
            // Nobody may overwrite the slabs for the next stage while others still read them.
            Group.Barrier();
        }
        Store(ref problem, group, m0 + i, p0 + j, tiling, r0);
        Store(ref problem, group, m0 + i + tiling.ThreadsM, p0 + j, tiling, r1);
        Store(ref problem, group, m0 + i + 2 * tiling.ThreadsM, p0 + j, tiling, r2);
        Store(ref problem, group, m0 + i + 3 * tiling.ThreadsM, p0 + j, tiling, r3);
    }

    private static void Store<TProblem>(ref TProblem problem, int group, int m, int p, GemmTiling tiling, Row4 row)
        where TProblem : struct, IGemmProblem
    {
        if (m >= problem.M) return;
        var step = tiling.ThreadsP;
        if (p < problem.P) problem.Store(group, m, p, row.X);
        if (p + step < problem.P) problem.Store(group, m, p + step, row.Y);
        if (p + 2 * step < problem.P) problem.Store(group, m, p + 2 * step, row.Z);
        if (p + 3 * step < problem.P) problem.Store(group, m, p + 3 * step, row.W);
    }

    /// <summary>One thread's four accumulators of a row of its block: plain fields, so they stay in registers.</summary>
    private readonly struct Row4(float x, float y, float z, float w)
    {
        public readonly float X = x, Y = y, Z = z, W = w;

        public Row4 Add(float a, Row4 b) => new(X + a * b.X, Y + a * b.Y, Z + a * b.Z, W + a * b.W);
    }
}
