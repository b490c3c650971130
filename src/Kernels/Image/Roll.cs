using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Runtime;

namespace DeepVis.Kernels.Image;

/// <summary>
/// <c>torch.roll</c> over H and W of NCHW images: y[(i + shift) mod n] = x[i] per axis, with negative
/// and arbitrarily large shifts. DeepDream's jitter. The backward is the roll by the negated shifts.
/// </summary>
public static partial class Roll
{
    /// <summary>
    /// Kernel parameters: image sizes and shifts already reduced to [0, H) and [0, W).
    /// </summary>
    internal readonly struct Shift
    {
        public readonly int Height;
        public readonly int Width;
        public readonly int ShiftH;
        public readonly int ShiftW;

        public Shift(int height, int width, int shiftH, int shiftW) =>
            (Height, Width, ShiftH, ShiftW) = (height, width, shiftH, shiftW);
    }

    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Shift> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Shift>(ForwardKernel);
    }

    /// <summary>y = roll(x, (shiftH, shiftW), dims (H, W)); y has x's shape and is a different tensor.</summary>
    public static void Forward(Tensor x, Tensor y, int shiftH, int shiftW) =>
        Launch(x, y, shiftH, shiftW, "roll input", "roll output");

    /// <summary>dx = roll(dy, (-shiftH, -shiftW)): the gradient of <see cref="Forward"/> with the same shifts.</summary>
    public static void Backward(Tensor dy, Tensor dx, int shiftH, int shiftW) =>
        Launch(dy, dx, -(long)shiftH, -(long)shiftW, "roll output gradient", "roll input gradient");

    private static void Launch(Tensor input, Tensor output, long shiftH, long shiftW, string inputName, string outputName)
    {
        input.RequireRank(inputName, 4);
        output.RequireShape(outputName, [.. input.Shape]);
        if (ReferenceEquals(input, output))
            throw new ArgumentException($"roll: {outputName} must be a different tensor from {inputName} (a roll cannot run in place)");
        var shift = new Shift(input.H, input.W, Wrap(shiftH, input.H), Wrap(shiftW, input.W));
        if (input.Device.Ilgpu<Loaded>() is { } kernels) kernels.Forward(input.Length, input.View, output.View, shift);
        else CpuForward(input, output, shift);
    }

    private static int Wrap(long shift, int n) => (int)(((shift % n) + n) % n);

    private static void ForwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, Shift s)
    {
        int index = i;
        var ox = index % s.Width;
        var oy = index / s.Width % s.Height;
        var plane = index - oy * s.Width - ox;
        var sx = ox - s.ShiftW;
        var sy = oy - s.ShiftH;
        if (sx < 0) sx += s.Width;
        if (sy < 0) sy += s.Height;
        y[index] = x[plane + sy * s.Width + sx];
    }
}
