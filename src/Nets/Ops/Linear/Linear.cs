using DeepVis.Kernels.Image;
using DeepVis.Kernels.Gemm;
using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Algorithms.ScanReduceOperations;
using ILGPU.Runtime;
using Device = DeepVis.Kernels.Runtime.Device;

namespace DeepVis.Ops;

/// <summary>
/// Fully-connected layer y[n,o] = b[o] + sum_i W[o,i] x[n,i]. The input may have any rank: each
/// batch item is flattened in C,H,W order, as torch.flatten(x, 1) does before torchvision's classifier.
/// The backward kernel (one thread per input feature, looping over the outputs) reads the weight
/// along its rows, coalesced, at any batch size.
/// </summary>
public static partial class Linear
{
    /// <summary>The forward kernels: one thread per output (the CPU accelerator's); a group per output
    /// reducing along the weight's row (batch 1 on a GPU: the row is read coalesced, once); the tiled
    /// product (larger batches, where each weight read serves many items).</summary>
    public enum Algorithm
    {
        Direct,
        Gemv,
        Gemm,
    }

    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, ArrayView<float>, int, int> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, ArrayView<float>, int, int>(ForwardKernel);

        public readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, ArrayView<float>, int, int, int> Gemv =
            a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, ArrayView<float>, int, int, int>(GemvKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> Backward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(BackwardKernel);
    }

    /// <param name="algorithm">The ILGPU kernel to use; null: the device's choice for the batch (<see cref="AlgorithmFor"/>).
    /// The cpu device has one forward (Linear.Cpu.cs) and takes none.</param>
    public static void Forward(Tensor x, Tensor weight, Tensor? bias, Tensor y, Algorithm? algorithm = null)
    {
        var (outputs, inputs) = Check(x, weight, "linear input");
        y.RequireShape("linear output", x.N, outputs);
        ForwardRows(x, weight, bias, y, inputs, outputs, algorithm);
    }

    /// <summary>
    /// y[.., o] = b[o] + sum_i W[o,i] x[.., i]: the weight applied along the last axis of an input of any rank
    /// (nn.Linear on ConvNeXt's NHWC maps, ONNX MatMul of an N-D value by a constant), every position a row.
    /// </summary>
    public static void ForwardLastAxis(Tensor x, Tensor weight, Tensor? bias, Tensor y)
    {
        var (outputs, inputs) = CheckLastAxis(x, weight, "matmul input");
        y.RequireShape("matmul output", [.. x.Shape.SkipLast(1), outputs]);
        ForwardRows(x, weight, bias, y, inputs, outputs, null);
    }

    /// <summary>dx[.., i] = sum_o W[o,i] dy[.., o]; dx has the input's shape.</summary>
    public static void BackwardInputLastAxis(Tensor dy, Tensor weight, Tensor dx)
    {
        var (outputs, inputs) = CheckLastAxis(dx, weight, "matmul input gradient");
        dy.RequireShape("matmul output gradient", [.. dx.Shape.SkipLast(1), outputs]);
        BackwardRows(dy, weight, dx, inputs, outputs);
    }

    /// <summary>Every run of <paramref name="inputs"/> values of x is a row, each giving <paramref name="outputs"/> values of y.</summary>
    private static void ForwardRows(Tensor x, Tensor weight, Tensor? bias, Tensor y, int inputs, int outputs, Algorithm? algorithm)
    {
        bias?.RequireShape("linear bias", outputs);
        var rows = x.Length / inputs;
        if (x.Device.Ilgpu<Loaded>() is not { } kernels)
        {
            if (algorithm is not null)
                throw new ArgumentException($"linear: algorithm {algorithm} is an ILGPU kernel; the cpu device has one forward", nameof(algorithm));
            CpuForward(x, weight, bias, y, inputs, outputs);
            return;
        }
        var (device, biasView, hasBias) = (x.Device, bias?.View ?? weight.View, bias is null ? 0 : 1);
        switch (algorithm ?? AlgorithmFor(device, rows))
        {
            case Algorithm.Gemm:
                ImplicitGemm.Run(device, new LinearForwardProblem(x.View, weight.View, biasView, hasBias, y.View, rows, inputs, outputs),
                    GemmTiling.For(device));
                break;
            case Algorithm.Gemv:
                kernels.Gemv(new KernelConfig(outputs, GroupReduce.GroupSize(device)),
                    x.View, weight.View, biasView, hasBias, y.View, rows, inputs, outputs);
                break;
            default:
                kernels.Forward(y.Length, x.View, weight.View, biasView, hasBias, y.View, inputs, outputs);
                break;
        }
    }

    /// <summary>The forward kernel a device runs a batch with: direct on the CPU accelerator (no simulated barriers), GEMV at batch 1, else GEMM.</summary>
    public static Algorithm AlgorithmFor(Device device, int batch) =>
        device.IsSimulator ? Algorithm.Direct
        : batch == 1 ? Algorithm.Gemv : Algorithm.Gemm;

    /// <summary>dx[n,i] = sum_o W[o,i] dy[n,o]; dx has the input's shape.</summary>
    public static void BackwardInput(Tensor dy, Tensor weight, Tensor dx)
    {
        var (outputs, inputs) = Check(dx, weight, "linear input gradient");
        dy.RequireShape("linear output gradient", dx.N, outputs);
        BackwardRows(dy, weight, dx, inputs, outputs);
    }

    private static void BackwardRows(Tensor dy, Tensor weight, Tensor dx, int inputs, int outputs)
    {
        if (dx.Device.Ilgpu<Loaded>() is { } kernels) kernels.Backward(dx.Length, dy.View, weight.View, dx.View, inputs, outputs);
        else CpuBackward(dy, weight, dx, inputs, outputs);
    }

    private static (int Outputs, int Inputs) Check(Tensor x, Tensor weight, string what)
    {
        weight.RequireRank("linear weight", 2);
        if (x.Rank < 2 || x.ItemLength != weight.Shape[1])
            throw new ShapeException(
                $"{what}: shape {x.ShapeText} flattens to {x.ItemLength} features per item, but the weight {weight.ShapeText} takes {weight.Shape[1]}");
        return (weight.Shape[0], weight.Shape[1]);
    }

    private static (int Outputs, int Inputs) CheckLastAxis(Tensor x, Tensor weight, string what)
    {
        weight.RequireRank("matmul weight", 2);
        if (x.Rank < 2 || x.Shape[^1] != weight.Shape[1])
            throw new ShapeException($"{what}: shape {x.ShapeText} has {x.Shape[^1]} values along its last axis, but the weight {weight.ShapeText} takes {weight.Shape[1]}");
        return (weight.Shape[0], weight.Shape[1]);
    }

    private static void ForwardKernel(Index1D index, ArrayView<float> x, ArrayView<float> w, ArrayView<float> bias,
        int hasBias, ArrayView<float> y, int inputs, int outputs)
    {
        int i = index;
        var o = i % outputs;
        var n = i / outputs;
        var sum = hasBias != 0 ? bias[o] : 0f;
        for (var k = 0; k < inputs; k++) sum += w[o * inputs + k] * x[n * inputs + k];
        y[i] = sum;
    }

    /// <summary>Group o computes output o of every item: threads stride along the weight's row, then reduce in a fixed order.</summary>
    private static void GemvKernel(ArrayView<float> x, ArrayView<float> w, ArrayView<float> bias, int hasBias,
        ArrayView<float> y, int batch, int inputs, int outputs)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        var o = Grid.IdxX;
        for (var n = 0; n < batch; n++)
        {
            var sum = 0f;
            for (var k = Group.IdxX; k < inputs; k += Group.DimX) sum += w[o * inputs + k] * x[n * inputs + k];
            sum = GroupReduce.Reduce<float, AddFloat>(scratch, sum);
            if (Group.IsFirstThread) y[n * outputs + o] = hasBias != 0 ? sum + bias[o] : sum;
        }
    }

    private static void BackwardKernel(Index1D index, ArrayView<float> dy, ArrayView<float> w, ArrayView<float> dx,
        int inputs, int outputs)
    {
        int i = index;
        var k = i % inputs;
        var n = i / inputs;
        var sum = 0f;
        for (var o = 0; o < outputs; o++) sum += w[o * inputs + k] * dy[n * outputs + o];
        dx[i] = sum;
    }
}
