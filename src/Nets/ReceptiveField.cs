using DeepVis.Ops;

namespace DeepVis.Nets;

/// <summary>
/// Which input pixels a unit of a layer's output sees, per axis: the window's side in pixels, the step
/// between neighbouring units (the product of the strides) and the centre of unit 0, from kernel,
/// stride, padding and dilation of every convolution and pool on the way from the input. Where paths
/// join (a residual sum, a concatenation) the widest path counts. A node that changes the spatial size
/// some other way (an adaptive pool, a flatten) sees the whole input.
/// </summary>
public readonly record struct ReceptiveField(int SizeH, int SizeW, int JumpH, int JumpW, double CenterH, double CenterW)
{
    /// <summary>The input pixel itself.</summary>
    public static ReceptiveField Pixel { get; } = new(1, 1, 1, 1, 0, 0);

    /// <summary>The receptive field of <paramref name="layer"/>'s units for an input of height x width.</summary>
    public static ReceptiveField Of(Network network, NetworkLayer layer, int height, int width)
    {
        var shapes = network.OutputShapes(1, height, width, [layer]);
        var needed = network.Ancestors([layer.Index]);
        var fields = new ReceptiveField[network.Layers.Count];
        var whole = new ReceptiveField(height, width, height, width, (height - 1) / 2.0, (width - 1) / 2.0);
        foreach (var node in network.Layers.Where(l => needed[l.Index]))
        {
            var inputs = node.Inputs.Select(i => i == Network.InputIndex ? Pixel : fields[i]).ToList();
            // The widest input: a residual block's convolutions, not its shortcut.
            var from = inputs.MaxBy(f => (long)f.SizeH * f.SizeW);
            var inputShape = node.Inputs[0] == Network.InputIndex ? [1, network.Info.InputChannels, height, width] : shapes[node.Inputs[0]];
            var shape = shapes[node.Index];
            fields[node.Index] = node.Layer switch
            {
                Conv2dLayer c => from.Window(c.Weight.Shape[2], c.Weight.Shape[3], c.Settings.StrideH, c.Settings.StrideW,
                    c.Settings.PadTop, c.Settings.PadLeft, c.Settings.DilationH, c.Settings.DilationW),
                MaxPool2dLayer p => from.Window(p.Settings.KernelH, p.Settings.KernelW, p.Settings.StrideH, p.Settings.StrideW, p.Settings.PadTop, p.Settings.PadLeft, 1, 1),
                AvgPool2dLayer p => from.Window(p.Settings.KernelH, p.Settings.KernelW, p.Settings.StrideH, p.Settings.StrideW, p.Settings.PadTop, p.Settings.PadLeft, 1, 1),
                _ when shape.Length == 4 && inputShape.Length == 4 && shape[2] == inputShape[2] && shape[3] == inputShape[3] => from,
                _ => whole,
            };
        }
        return fields[layer.Index];
    }

    /// <summary>The field after a window of kernel x kernel with stride, padding before the input, and dilation.</summary>
    private ReceptiveField Window(int kernelH, int kernelW, int strideH, int strideW, int padTop, int padLeft, int dilationH, int dilationW) => new(
        SizeH + (kernelH - 1) * dilationH * JumpH, SizeW + (kernelW - 1) * dilationW * JumpW, JumpH * strideH, JumpW * strideW,
        CenterH + ((kernelH - 1) * dilationH / 2.0 - padTop) * JumpH, CenterW + ((kernelW - 1) * dilationW / 2.0 - padLeft) * JumpW);

    /// <summary>
    /// The input rectangle (top, left, height, width) that unit (y, x) sees, clipped to an image of
    /// height x width: near a border part of the field lies in the padding.
    /// </summary>
    public (int Top, int Left, int Height, int Width) Box(int y, int x, int height, int width)
    {
        static (int From, int Length) Axis(double center, int size, int extent)
        {
            var from = (int)Math.Floor(center - (size - 1) / 2.0 + 0.5);
            var (start, end) = (Math.Clamp(from, 0, extent - 1), Math.Clamp(from + size, 1, extent));
            return (start, Math.Max(end - start, 1));
        }
        var (top, rows) = Axis(CenterH + y * JumpH, SizeH, height);
        var (left, columns) = Axis(CenterW + x * JumpW, SizeW, width);
        return (top, left, rows, columns);
    }
}
