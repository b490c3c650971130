using System.Collections.Concurrent;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace DeepVis.Kernels.Runtime;

/// <summary>
/// The one place that owns the ILGPU context and the accelerator. Every tensor and kernel launch
/// belongs to a device; kernels are compiled once per device and cached (<see cref="Ilgpu{T}"/>).
/// All launches go to the accelerator's default stream, so they run in order without host syncs.
/// On the <c>cpu</c> device (<see cref="RunsOnHost"/>) no ILGPU kernel runs: every op calls its plain
/// C# implementation over the tensors' memory, which an ILGPU CPU accelerator allocates (so tensors,
/// uploads and downloads work the same on every device), synchronously on the calling thread.
/// </summary>
public sealed class Device : IDisposable
{
    private readonly Context _context;
    private readonly ConcurrentDictionary<Type, object> _kernels = new();

    private int _hostThreads = DefaultHostThreads();
    private Cpu.CpuScratch? _scratch;

    private Device(Context context, Accelerator accelerator, DeviceSpec spec)
    {
        _context = context;
        Accelerator = accelerator;
        Spec = spec;
    }

    public Accelerator Accelerator { get; }

    /// <summary>The resolved request: never <c>auto</c>.</summary>
    public DeviceSpec Spec { get; }

    public string Name => $"{Spec} ({(RunsOnHost ? HostDescription(HostThreads) : Accelerator.Name)})";

    /// <summary>The <c>cpu</c> device: ops run DeepVis's CPU kernels (src/Kernels/Cpu and the <c>*.Cpu.cs</c> files), not ILGPU's.</summary>
    public bool RunsOnHost => Spec.Kind == DeviceKind.Cpu;

    /// <summary>
    /// The environment variable that sets <see cref="HostThreads"/> for new devices (default: every core).
    /// </summary>
    public const string ThreadsVariable = "DEEPVIS_THREADS";

    /// <summary>How many threads the CPU kernels of a <see cref="RunsOnHost"/> device use (at least 1).</summary>
    public int HostThreads
    {
        get => _hostThreads;
        set => _hostThreads = value >= 1
            ? value
            : throw new DeviceException($"threads: expected a whole number of at least 1, got {value}");
    }

    /// <summary>Threads per group for explicitly grouped kernels (reductions): a power of two the device allows.</summary>
    public int GroupSize
    {
        get
        {
            var size = 1;
            while (size * 2 <= Math.Min(256, Accelerator.MaxNumThreadsPerGroup)) size *= 2;
            return size;
        }
    }

    /// <summary>Opens the device named by <paramref name="spec"/>, or by DEEPVIS_DEVICE when it is null.</summary>
    public static Device Open(string? spec = null) =>
        Open(spec is null ? DeviceSpec.FromEnvironment() : DeviceSpec.Parse(spec));

    public static Device Open(DeviceSpec spec)
    {
        var context = CreateContext();
        try
        {
            var (kind, index) = Resolve(context, spec);
            var device = kind switch
            {
                DeviceKind.Cuda => context.GetCudaDevice(index),
                DeviceKind.OpenCL => context.GetCLDevice(index),
                // The cpu device allocates through the CPU accelerator and never launches on it.
                _ => (ILGPU.Runtime.Device)context.GetCPUDevice(kind == DeviceKind.Cpu ? 0 : index),
            };
            return new Device(context, device.CreateAccelerator(context), new DeviceSpec(kind, index));
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>One line per device present on this machine, for error messages and <c>deepvis devices</c>.</summary>
    public static IReadOnlyList<string> ListPresent()
    {
        using var context = CreateContext();
        var lines = new List<string>();
        foreach (var kind in Kinds)
            for (var i = 0; i < Count(context, kind); i++)
                lines.Add($"{new DeviceSpec(kind, i)}: {Describe(context, kind, i)}");
        return lines;
    }

    /// <summary>
    /// The one place that picks an op's implementation: the kernel set <typeparamref name="T"/> when this
    /// device launches ILGPU kernels (a GPU, or the <c>cpu-sim</c> simulator), compiled on first use and
    /// cached; null on the <c>cpu</c> device, where the op runs its CPU version instead. Every op reads
    /// <c>if (device.Ilgpu&lt;Loaded&gt;() is { } kernels) kernels.Launch(...); else Cpu...(...);</c>: no
    /// delegate or closure is created per call, and an op without a CPU version has nothing to fall back on.
    /// </summary>
    public T? Ilgpu<T>() where T : class, IKernelSet<T> =>
        RunsOnHost ? null : (T)_kernels.GetOrAdd(typeof(T), static (_, accelerator) => T.Load(accelerator), Accelerator);

    private long _allocatedBytes;
    private long _peakBytes;

    /// <summary>Bytes held by this device's live tensors (every DeepVis device buffer is a tensor).</summary>
    public long AllocatedBytes => Interlocked.Read(ref _allocatedBytes);

    /// <summary>The most <see cref="AllocatedBytes"/> has been since the device opened or <see cref="ResetPeak"/>.</summary>
    public long PeakBytes => Interlocked.Read(ref _peakBytes);

    public void ResetPeak() => Interlocked.Exchange(ref _peakBytes, AllocatedBytes);

    internal void TrackAllocation(long bytes)
    {
        var now = Interlocked.Add(ref _allocatedBytes, bytes);
        long peak;
        while (now > (peak = Interlocked.Read(ref _peakBytes)) && Interlocked.CompareExchange(ref _peakBytes, now, peak) != peak) { }
    }

    /// <summary>
    /// ILGPU's CPU accelerator (<c>cpu-sim</c>): groups are simulated with threads and barriers, so
    /// kernels built on shared tiles run slower than one-thread-per-output ones there.
    /// </summary>
    public bool IsSimulator => Spec.Kind == DeviceKind.CpuSim;

    /// <summary>Either CPU device: tensors live in host memory, and the accelerator's memory size means nothing.</summary>
    public bool IsCpu => Accelerator.AcceleratorType == AcceleratorType.CPU;

    /// <summary>Waits for every launch enqueued so far (the cpu device never has any pending).</summary>
    public void Synchronize()
    {
        if (!RunsOnHost) Accelerator.Synchronize();
    }

    /// <summary>The CPU kernels' scratch memory (cpu device only), created on first use.</summary>
    internal Cpu.CpuScratch Scratch => _scratch ??= new Cpu.CpuScratch(this);

    public void Dispose()
    {
        _scratch?.Dispose();
        Accelerator.Dispose();
        _context.Dispose();
    }

    private static Context CreateContext() =>
        Context.Create(builder => builder
            .Cuda()
            .OpenCL()
            // The default CPU device kind limits groups to 16 threads; GroupSize adapts to it.
            .CPU(CPUDeviceKind.Default)
            .EnableAlgorithms()
            .Optimize(OptimizationLevel.O2));

    private static (DeviceKind Kind, int Index) Resolve(Context context, DeviceSpec spec)
    {
        if (spec.Kind == DeviceKind.Auto)
        {
            // Without a GPU, auto takes the fast CPU path, never the simulator.
            foreach (var kind in new[] { DeviceKind.Cuda, DeviceKind.OpenCL, DeviceKind.Cpu })
                if (Count(context, kind) > 0) return (kind, 0);
        }
        else if (spec.Index < Count(context, spec.Kind))
        {
            return (spec.Kind, spec.Index);
        }
        var present = new List<string>();
        foreach (var kind in Kinds)
            for (var i = 0; i < Count(context, kind); i++) present.Add(new DeviceSpec(kind, i).ToString());
        throw new DeviceException(
            $"device '{spec}' is not present; present: {(present.Count == 0 ? "none" : string.Join(", ", present))}");
    }

    private static readonly DeviceKind[] Kinds = [DeviceKind.Cuda, DeviceKind.OpenCL, DeviceKind.Cpu, DeviceKind.CpuSim];

    private static int Count(Context context, DeviceKind kind) => kind switch
    {
        DeviceKind.Cuda => context.GetCudaDevices().Count,
        DeviceKind.OpenCL => context.GetCLDevices().Count,
        DeviceKind.Cpu => 1,
        DeviceKind.CpuSim => context.GetCPUDevices().Count,
        _ => 0,
    };

    private static string Describe(Context context, DeviceKind kind, int index) => kind switch
    {
        DeviceKind.Cuda => context.GetCudaDevice(index).Name,
        DeviceKind.OpenCL => context.GetCLDevice(index).Name,
        DeviceKind.Cpu => HostDescription(DefaultHostThreads()) + ": DeepVis's CPU kernels (fast; the default without a GPU)",
        _ => $"{context.GetCPUDevice(index).Name}: ILGPU's simulator of the GPU kernels (slow; for testing them without a GPU)",
    };

    private static string HostDescription(int threads) =>
        $"host CPU, {threads} thread{(threads == 1 ? "" : "s")}, " +
        (System.Runtime.Intrinsics.X86.Fma.IsSupported ? "AVX2+FMA" : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "256-bit SIMD" : "no 256-bit SIMD");

    private static int DefaultHostThreads()
    {
        var text = Environment.GetEnvironmentVariable(ThreadsVariable);
        if (string.IsNullOrWhiteSpace(text)) return Environment.ProcessorCount;
        return int.TryParse(text, out var threads) && threads >= 1
            ? threads
            : throw new DeviceException($"{ThreadsVariable}='{text}': expected a whole number of at least 1");
    }
}
