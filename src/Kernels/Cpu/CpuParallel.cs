using Device = DeepVis.Kernels.Runtime.Device;
using Tensor = DeepVis.Kernels.Runtime.Tensor;

namespace DeepVis.Kernels.Cpu;

/// <summary>
/// Spreads the work of a CPU kernel over the device's <see cref="Device.HostThreads"/>. The partition
/// is fixed by the problem (items, or fixed-size chunks), never by the thread count or by timing, and
/// each item writes only its own outputs: every output is computed by the same operations in the same
/// order on every run and with any number of threads, so results are bit-for-bit reproducible.
/// </summary>
internal static class CpuParallel
{
    /// <summary>Below this many element operations a loop runs on the calling thread: waking workers costs more.</summary>
    private const long InlineWork = 1 << 15;

    /// <summary>Elements per chunk of element-wise work (64 KiB of floats).</summary>
    public const int Chunk = 1 << 14;

    /// <summary>body(i) for every i in [0, count); <paramref name="workPerItem"/> (element operations) decides whether threads pay off.</summary>
    public static void For(Device device, int count, long workPerItem, Action<int> body)
    {
        var threads = device.HostThreads;
        if (threads == 1 || count < 2 || count * workPerItem < InlineWork)
        {
            for (var i = 0; i < count; i++) body(i);
            return;
        }
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads }, body);
    }

    /// <summary>body(start, length) over [0, <paramref name="length"/>) in chunks of <see cref="Chunk"/> elements.</summary>
    public static void ForRange(Device device, int length, Action<int, int> body)
    {
        var chunks = (length + Chunk - 1) / Chunk;
        For(device, chunks, Chunk, c =>
        {
            var start = c * Chunk;
            body(start, Math.Min(Chunk, length - start));
        });
    }

    /// <summary>
    /// body(segment, start, length) over [0, <paramref name="length"/>) in the chunks of
    /// <see cref="ForRange"/>, each cut further where a segment of <paramref name="segmentLength"/>
    /// elements ends (a batch item, an image plane), so every call lies inside one segment.
    /// </summary>
    public static void ForSegments(Device device, int length, int segmentLength, Action<int, int, int> body) =>
        ForRange(device, length, (start, count) =>
        {
            var end = start + count;
            while (start < end)
            {
                var segment = start / segmentLength;
                var stop = (int)Math.Min(end, (long)(segment + 1) * segmentLength);
                body(segment, start, stop - start);
                start = stop;
            }
        });

    /// <summary>One plane's work: <paramref name="plane"/> is its index among the N * C planes.</summary>
    public delegate void PlaneBody(int plane, ReadOnlySpan<float> from, Span<float> to);

    /// <summary>
    /// body(p, plane p of <paramref name="from"/>, plane p of <paramref name="to"/>) for every N * C plane
    /// (of <paramref name="fromPlane"/> and <paramref name="toPlane"/> elements), one plane per work item.
    /// </summary>
    public static void ForEachPlane(Tensor from, int fromPlane, Tensor to, int toPlane, long workPerPlane, PlaneBody body) =>
        For(to.Device, from.Length / fromPlane, workPerPlane, p =>
            body(p, from.Span.Slice(p * fromPlane, fromPlane), to.Span.Slice(p * toPlane, toPlane)));
}
