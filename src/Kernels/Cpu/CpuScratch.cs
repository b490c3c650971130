using System.Runtime.InteropServices;
using Device = DeepVis.Kernels.Runtime.Device;

namespace DeepVis.Kernels.Cpu;

/// <summary>
/// Grow-only, 64-byte aligned scratch memory of one cpu device, so that the CPU kernels allocate
/// nothing once a loop's shapes have been seen: <see cref="Shared"/> buffers serve one op call as a
/// whole (packed weights, a padded input), <see cref="Local"/> ones one worker thread (a packed panel,
/// an output block). Every byte is counted in the device's memory accounting.
/// </summary>
internal sealed unsafe class CpuScratch(Device device) : IDisposable
{
    /// <summary>Slots of the buffers an op call shares between its threads.</summary>
    public enum SharedSlot { PackedA, Operand, Columns, Products, Count }

    /// <summary>Slots of a worker thread's own buffers.</summary>
    public enum LocalSlot { PackedB, Block, Count }

    private readonly Buffer[] _shared = NewBuffers((int)SharedSlot.Count);
    private readonly ThreadLocal<Buffer[]> _local = new(() => NewBuffers((int)LocalSlot.Count), trackAllValues: true);

    /// <summary>At least <paramref name="floats"/> floats for this call; contents undefined.</summary>
    public float* Shared(SharedSlot slot, long floats) => Ensure(_shared[(int)slot], floats);

    /// <summary>At least <paramref name="floats"/> floats for the calling thread; contents undefined.</summary>
    public float* Local(LocalSlot slot, long floats) => Ensure(_local.Value![(int)slot], floats);

    public void Dispose()
    {
        foreach (var b in _shared) Free(b);
        foreach (var buffers in _local.Values)
            foreach (var b in buffers) Free(b);
        _local.Dispose();
    }

    private sealed class Buffer
    {
        public float* Pointer;
        public long Length;
    }

    private static Buffer[] NewBuffers(int count) => Enumerable.Range(0, count).Select(_ => new Buffer()).ToArray();

    private float* Ensure(Buffer b, long floats)
    {
        if (floats <= b.Length) return b.Pointer;
        Free(b);
        // Grow by half again so that slowly growing shapes do not reallocate every call.
        var length = Math.Max(floats, b.Length + b.Length / 2);
        b.Pointer = (float*)NativeMemory.AlignedAlloc((nuint)(length * sizeof(float)), 64);
        b.Length = length;
        device.TrackAllocation(length * sizeof(float));
        return b.Pointer;
    }

    private void Free(Buffer b)
    {
        if (b.Pointer == null) return;
        NativeMemory.AlignedFree(b.Pointer);
        device.TrackAllocation(-b.Length * sizeof(float));
        b.Pointer = null;
        b.Length = 0;
    }
}
