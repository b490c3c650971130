using System.Numerics.Tensors;
using DeepVis.Kernels.Cpu;
using Tensor = DeepVis.Kernels.Runtime.Tensor;

namespace DeepVis.Ops;

/// <summary>The element-wise sum on the cpu device.</summary>
public static partial class Add
{
    private static void CpuForward(Tensor a, Tensor b, Tensor y) =>
        CpuParallel.ForRange(a.Device, a.Length, (start, length) =>
            TensorPrimitives.Add(a.Span.Slice(start, length), b.Span.Slice(start, length), y.Span.Slice(start, length)));
}
