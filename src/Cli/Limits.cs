using DeepVis.Optim.Transforms;

namespace DeepVis.Cli;

/// <summary>
/// Upper bounds on the options that size work. Each lies far beyond what a real run needs and low enough
/// that a typo (an extra zero or two) is refused at once instead of exhausting memory or running for days.
/// </summary>
public static class Limits
{
    /// <summary>Image side in pixels.</summary>
    public const int MaxSize = 4096;

    /// <summary>Images, filters or channels optimized together.</summary>
    public const int MaxBatch = 1024;

    /// <summary>Optimization steps of one run (or one octave).</summary>
    public const int MaxSteps = 100_000;

    /// <summary>Octaves of a dream pyramid.</summary>
    public const int MaxOctaves = 16;

    /// <summary>Random restarts of an inversion.</summary>
    public const int MaxRestarts = 16;

    /// <summary>Jitter, pad and shift in pixels.</summary>
    public const int MaxPixels = TransformChain.MaxPixels;

    /// <summary>A filter or channel index (the widest layers of the published models have a few thousand).</summary>
    public const int MaxChannel = 65_535;

    /// <summary>Example images per channel, waiting renders of a server, threads of the cpu device.</summary>
    public const int MaxCount = 1024;
}
