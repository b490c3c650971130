namespace DeepVis.Kernels.Cpu;

/// <summary>
/// How the CPU convolutions cut their matrix products into work items: <see cref="Rows"/> rows of C
/// (output channels, or input taps for the backward), <see cref="Columns"/> columns (pixels) and
/// <see cref="Depth"/> of the sum per packed block; the backward keeps at most <see cref="Scratch"/>
/// floats of columns (taps x pixels) at a time. Tests shrink them to reach every edge case on small
/// problems; the defaults keep a packed A block and B block in a core's L2 cache.
/// </summary>
public readonly record struct CpuBlocking(int Rows, int Columns, int Depth, int Scratch)
{
    public static CpuBlocking Default { get; } = new(192, 128, 256, 1 << 23);

    /// <summary>What does not fit the micro-kernel's tile, or null.</summary>
    public string? Problem() =>
        Rows < 1 || Rows % CpuGemm.MR != 0 ? $"cpu blocking: rows must be a positive multiple of {CpuGemm.MR}, got {Rows}"
        : Columns < 1 || Columns % CpuGemm.NR != 0 ? $"cpu blocking: columns must be a positive multiple of {CpuGemm.NR}, got {Columns}"
        : Depth < 1 ? $"cpu blocking: depth must be positive, got {Depth}"
        : Scratch < 1 ? $"cpu blocking: scratch must be positive, got {Scratch}"
        : null;
}
