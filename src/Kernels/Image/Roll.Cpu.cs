using DeepVis.Kernels.Cpu;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Kernels.Image;

/// <summary>Roll on the cpu device.</summary>
public static partial class Roll
{
    /// <summary>Each output row is a source row split at the wrap-around: two contiguous copies.</summary>
    private static void CpuForward(Tensor x, Tensor y, Shift s)
    {
        var split = s.Width - s.ShiftW;
        CpuParallel.For(x.Device, x.Length / s.Width, s.Width, row =>
        {
            var oy = row % s.Height;
            var sy = oy - s.ShiftH;
            if (sy < 0) sy += s.Height;
            ReadOnlySpan<float> source = x.Span.Slice((row - oy + sy) * s.Width, s.Width);
            var output = y.Span.Slice(row * s.Width, s.Width);
            source[..split].CopyTo(output[s.ShiftW..]);
            source[split..].CopyTo(output[..s.ShiftW]);
        });
    }
}
