using ILGPU.Runtime;

namespace DeepVis.Kernels.Runtime;

/// <summary>
/// The ILGPU kernels of one op family, loaded together (each load compiles, ~0.3 s) and cached once per
/// device by <see cref="Device.Ilgpu{T}"/>.
/// </summary>
public interface IKernelSet<TSelf> where TSelf : class, IKernelSet<TSelf>
{
    /// <summary>Compiles the family's kernels for <paramref name="accelerator"/>.</summary>
    static abstract TSelf Load(Accelerator accelerator);
}
