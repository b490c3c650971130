using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Algorithms.ScanReduceOperations;

namespace DeepVis.Kernels.Image;

/// <summary>
/// The group reduction shared by the per-image reduction kernels (<see cref="ImageStats"/>,
/// <see cref="TotalVariation"/>): a shared-memory tree over one explicitly grouped launch.
/// </summary>
/// <remarks>
/// ILGPU.Algorithms' <c>GroupExtensions.Reduce</c> is not used: in 1.5.3 both its CPU and its PTX
/// implementation finish with an atomic update of shared memory, so the order of the float additions
/// (and with it the result's last bits) depends on thread timing. This tree adds in a fixed order, so a
/// launch with the same group size always gives the same bits. Only the operation structs
/// (<see cref="AddFloat"/>, <see cref="MaxFloat"/>) are borrowed, through their <c>Apply</c>.
/// </remarks>
internal static class GroupReduce
{
    /// <summary>Scratch length every reducing kernel allocates; <see cref="Device.GroupSize"/> never exceeds it.</summary>
    public const int MaxGroupSize = 256;

    /// <summary>The group size a reducing launch uses on <paramref name="device"/>: a power of two up to <see cref="MaxGroupSize"/>.</summary>
    public static int GroupSize(Device device)
    {
        var size = device.GroupSize;
        if (size > MaxGroupSize || (size & (size - 1)) != 0)
            throw new InvalidOperationException($"group size {size} is not a power of two up to {MaxGroupSize}");
        return size;
    }

    /// <summary>
    /// Reduces one value per thread over the group; every thread gets the result. Call it from every
    /// thread of the group (it has barriers). <paramref name="scratch"/> is shared memory of at least
    /// the group size; it may be reused by the next call.
    /// </summary>
    public static T Reduce<T, TOperation>(ArrayView<T> scratch, T value)
        where T : unmanaged
        where TOperation : struct, IScanReduceOperation<T>
    {
        TOperation operation = default;
        var t = Group.IdxX;
        scratch[t] = value;
        Group.Barrier();
        for (var stride = Group.DimX / 2; stride > 0; stride /= 2)
        {
            if (t < stride) scratch[t] = operation.Apply(scratch[t], scratch[t + stride]);
            Group.Barrier();
        }
        var result = scratch[0];
        // Nobody may overwrite scratch[0] (next call) before every thread has read it.
        Group.Barrier();
        return result;
    }
}
