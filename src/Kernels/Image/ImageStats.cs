using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Algorithms.ScanReduceOperations;
using ILGPU.Runtime;

namespace DeepVis.Kernels.Image;

/// <summary>
/// Per-image statistics of an [N, ...] tensor, over all elements of each batch item: the sum, the sum
/// of squares, the largest magnitude and the sum of magnitudes, written to a device tensor [N, 4]
/// (columns <see cref="Sum"/>, <see cref="SumOfSquares"/>, <see cref="MaxAbs"/>, <see cref="SumAbs"/>). The result stays on the device: later kernels
/// (<see cref="StdClip"/>, <see cref="L2Penalty"/>) read it from there, so the optimization loop needs
/// no host round trip.
/// </summary>
/// <remarks>
/// One grouped launch: one group per image; each thread walks the image with stride group size,
/// accumulating in float, then the group reduces (<see cref="GroupReduce"/>) and thread 0 writes.
/// Deterministic for a given device (the group size fixes the order of the additions).
/// </remarks>
public static partial class ImageStats
{
    /// <summary>Column of the sum of the image's elements.</summary>
    public const int Sum = 0;

    /// <summary>Column of the sum of the squared elements.</summary>
    public const int SumOfSquares = 1;

    /// <summary>Column of max |x| over the image.</summary>
    public const int MaxAbs = 2;

    /// <summary>Column of the sum of |x| (DeepDream's step is normalized by the mean |gradient|).</summary>
    public const int SumAbs = 3;

    /// <summary>Columns per image in a stats tensor.</summary>
    public const int Count = 4;

    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, int> Compute =
            a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int>(ComputeKernel);

        public readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> Dot =
            a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(DotKernel);
    }

    /// <summary>result[n] = sum over batch item n of a * b: an objective's value against a constant mask.</summary>
    public static void Dot(Tensor a, Tensor b, Tensor result)
    {
        b.RequireShape("dot operand", [.. a.Shape]);
        result.RequireShape("dot result", a.N);
        if (a.Device.Ilgpu<Loaded>() is { } kernels) kernels.Dot(new KernelConfig(a.N, GroupReduce.GroupSize(a.Device)), a.View, b.View, result.View, a.ItemLength);
        else CpuDot(a, b, result);
    }

    private static void DotKernel(ArrayView<float> a, ArrayView<float> b, ArrayView<float> result, int itemLength)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        var start = Grid.IdxX * itemLength;
        var sum = 0f;
        for (var i = Group.IdxX; i < itemLength; i += Group.DimX) sum += a[start + i] * b[start + i];
        sum = GroupReduce.Reduce<float, AddFloat>(scratch, sum);
        if (Group.IsFirstThread) result[Grid.IdxX] = sum;
    }

    /// <summary>Writes the statistics of each batch item of <paramref name="x"/> into <paramref name="stats"/> [N, 4].</summary>
    public static void Compute(Tensor x, Tensor stats)
    {
        stats.RequireShape("image stats", x.N, Count);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Compute(new KernelConfig(x.N, GroupReduce.GroupSize(x.Device)), x.View, stats.View, x.ItemLength);
        else CpuCompute(x, stats);
    }

    private static void ComputeKernel(ArrayView<float> x, ArrayView<float> stats, int itemLength)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        var start = Grid.IdxX * itemLength;
        float sum = 0f, sumOfSquares = 0f, maxAbs = 0f, sumAbs = 0f;
        for (var i = Group.IdxX; i < itemLength; i += Group.DimX)
        {
            var v = x[start + i];
            sum += v;
            sumOfSquares += v * v;
            maxAbs = XMath.Max(maxAbs, XMath.Abs(v));
            sumAbs += XMath.Abs(v);
        }
        sum = GroupReduce.Reduce<float, AddFloat>(scratch, sum);
        sumOfSquares = GroupReduce.Reduce<float, AddFloat>(scratch, sumOfSquares);
        maxAbs = GroupReduce.Reduce<float, MaxFloat>(scratch, maxAbs);
        sumAbs = GroupReduce.Reduce<float, AddFloat>(scratch, sumAbs);
        if (Group.IsFirstThread)
        {
            var row = Grid.IdxX * Count;
            stats[row + Sum] = sum;
            stats[row + SumOfSquares] = sumOfSquares;
            stats[row + MaxAbs] = maxAbs;
            stats[row + SumAbs] = sumAbs;
        }
    }
}
