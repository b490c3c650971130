using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Runtime;

namespace DeepVis.Ops;

/// <summary>What fills the border <see cref="Pad2d"/> adds (ONNX Pad's modes).</summary>
public enum PadMode
{
    /// <summary>A constant value.</summary>
    Constant = 0,

    /// <summary>The input mirrored about its first and last row (column), which are not repeated (numpy's and PyTorch's reflect).</summary>
    Reflect = 1,

    /// <summary>The first and last row (column) repeated.</summary>
    Edge = 2,
}

/// <summary>
/// Padding of H and W of an NCHW tensor: <see cref="Top"/> and <see cref="Left"/> before the input,
/// <see cref="Bottom"/> and <see cref="Right"/> after it, filled as <see cref="Mode"/> says (with
/// <see cref="Value"/> for <see cref="PadMode.Constant"/>). Reflect pads are each below the side they mirror.
/// </summary>
public readonly record struct Pad2dSettings(int Top, int Left, int Bottom, int Right, PadMode Mode = PadMode.Constant, float Value = 0)
{
    /// <summary>"top 1 left 2 bottom 1 right 2, reflect" or "... constant 0.5".</summary>
    public string Text => $"top {Top} left {Left} bottom {Bottom} right {Right}, " +
        (Mode == PadMode.Constant ? $"constant {Value}" : Mode.ToString().ToLowerInvariant());

    /// <summary>The output shape [N, C, H + top + bottom, W + left + right]; throws when a pad is negative or a reflect pad reaches past its side.</summary>
    public int[] OutputShape(IReadOnlyList<int> input)
    {
        if (input.Count != 4) throw new ShapeException($"pad input: expected a rank-4 tensor, got shape {Tensor.Format(input)}");
        if (Top < 0 || Left < 0 || Bottom < 0 || Right < 0)
            throw new ArgumentException($"pad: pads must not be negative, got {Text}");
        if (Mode == PadMode.Reflect && (Top >= input[2] || Bottom >= input[2] || Left >= input[3] || Right >= input[3]))
            throw new ShapeException($"pad input: shape {Tensor.Format(input)} is too small to reflect {Text}: each pad must be below the side it mirrors");
        return [input[0], input[1], input[2] + Top + Bottom, input[3] + Left + Right];
    }
}

/// <summary>
/// Constant, reflect and edge padding of H and W (ONNX Pad on [N, C, H, W]). Forward, one thread per
/// output; backward-to-input gathers, one thread per input element, the outputs copied from it: its
/// own, and in reflect and edge modes the border outputs mirrored or repeated from it.
/// </summary>
public static partial class Pad2d
{
    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, PadGeometry> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, PadGeometry>(ForwardKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, PadGeometry> Backward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, PadGeometry>(BackwardKernel);
    }

    /// <summary>y = x padded as <paramref name="settings"/> says.</summary>
    public static void Forward(Tensor x, Tensor y, Pad2dSettings settings)
    {
        var shape = settings.OutputShape(x.Shape);
        y.RequireShape("pad output", shape);
        var g = PadGeometry.Of(x.Shape, shape, settings);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Forward(y.Length, x.View, y.View, g);
        else CpuForward(x, y, g);
    }

    /// <summary>dx[i] = the sum of dy over the outputs copied from x[i] (none of a constant border).</summary>
    public static void Backward(Tensor dy, Tensor dx, Pad2dSettings settings)
    {
        var shape = settings.OutputShape(dx.Shape);
        dy.RequireShape("pad output gradient", shape);
        var g = PadGeometry.Of(dx.Shape, shape, settings);
        if (dx.Device.Ilgpu<Loaded>() is { } kernels) kernels.Backward(dx.Length, dy.View, dx.View, g);
        else CpuBackward(dy, dx, g);
    }

    private static void ForwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, PadGeometry g)
    {
        int index = i;
        var ow = index % g.OutW;
        var oh = index / g.OutW % g.OutH;
        var plane = index / (g.OutW * g.OutH);
        var h = PadGeometry.Source(oh - g.Top, g.H, g.Mode);
        var w = PadGeometry.Source(ow - g.Left, g.W, g.Mode);
        y[index] = h < 0 || w < 0 ? g.Value : x[(plane * g.H + h) * g.W + w];
    }

    private static void BackwardKernel(Index1D i, ArrayView<float> dy, ArrayView<float> dx, PadGeometry g)
    {
        int index = i;
        var w = index % g.W;
        var h = index / g.W % g.H;
        var plane = index / (g.W * g.H) * g.OutH * g.OutW;
        var rows = PadGeometry.Targets(h, g.H, g.Top, g.OutH, g.Mode);
        var cols = PadGeometry.Targets(w, g.W, g.Left, g.OutW, g.Mode);
        var sum = 0f;
        for (var r = 0; r < 3; r++)
        {
            for (var oh = rows.Start(r); oh < rows.End(r); oh++)
            {
                for (var c = 0; c < 3; c++)
                {
                    for (var ow = cols.Start(c); ow < cols.End(c); ow++) sum += dy[plane + oh * g.OutW + ow];
                }
            }
        }
        dx[index] = sum;
    }
}

/// <summary>One padding launch's geometry, passed to the kernels by value.</summary>
internal struct PadGeometry
{
    public int H, W, OutH, OutW, Top, Left;

    /// <summary>The <see cref="PadMode"/> as an int.</summary>
    public int Mode;

    public float Value;

    public static PadGeometry Of(IReadOnlyList<int> input, IReadOnlyList<int> output, Pad2dSettings s) => new()
    {
        H = input[2], W = input[3], OutH = output[2], OutW = output[3], Top = s.Top, Left = s.Left, Mode = (int)s.Mode, Value = s.Value,
    };

    /// <summary>The input index an output at <paramref name="i"/> (relative to the input's start) copies, or -1 for a constant border.</summary>
    public static int Source(int i, int size, int mode)
    {
        if (i >= 0 && i < size) return i;
        if (mode == (int)PadMode.Constant) return -1;
        if (mode == (int)PadMode.Edge) return i < 0 ? 0 : size - 1;
        return i < 0 ? -i : 2 * (size - 1) - i;
    }

    /// <summary>
    /// The outputs along one axis that copy input <paramref name="i"/>: its own, then those before the
    /// input and those after it (a run of a repeated edge, or one mirrored position).
    /// </summary>
    public static PadRanges Targets(int i, int size, int before, int outSize, int mode)
    {
        var ranges = new PadRanges { S0 = i + before, E0 = i + before + 1 };
        var after = outSize - before - size;
        if (mode == (int)PadMode.Edge)
        {
            if (i == 0) ranges.E1 = before;
            if (i == size - 1)
            {
                ranges.S2 = before + size;
                ranges.E2 = outSize;
            }
        }
        else if (mode == (int)PadMode.Reflect)
        {
            if (i >= 1 && i <= before)
            {
                ranges.S1 = before - i;
                ranges.E1 = before - i + 1;
            }
            if (i <= size - 2 && i >= size - 1 - after)
            {
                ranges.S2 = before + 2 * (size - 1) - i;
                ranges.E2 = ranges.S2 + 1;
            }
        }
        return ranges;
    }
}

/// <summary>Up to three runs [S, E) of output positions along one axis (empty where S = E).</summary>
internal struct PadRanges
{
    public int S0, E0, S1, E1, S2, E2;

    public readonly int Start(int k) => k == 0 ? S0 : k == 1 ? S1 : S2;

    public readonly int End(int k) => k == 0 ? E0 : k == 1 ? E1 : E2;
}
