namespace DeepVis.Kernels.Runtime;

/// <summary>
/// Which kind of device a user asked for. <see cref="Cpu"/> runs DeepVis's own CPU kernels (plain C#,
/// SIMD, all cores); <see cref="CpuSim"/> is ILGPU's CPU accelerator, a slow simulator that runs the
/// GPU kernels on the CPU so that they can be tested without a GPU.
/// </summary>
public enum DeviceKind { Auto, Cuda, OpenCL, Cpu, CpuSim }

/// <summary>
/// A parsed device request: <c>auto</c>, <c>cuda</c>, <c>opencl</c>, <c>cpu</c> or <c>cpu-sim</c>, optionally with
/// <c>:N</c> to pick the N-th device of that kind (for example <c>cuda:1</c>).
/// </summary>
public readonly record struct DeviceSpec(DeviceKind Kind, int Index)
{
    /// <summary>The environment variable read when no device is given explicitly.</summary>
    public const string EnvironmentVariable = "DEEPVIS_DEVICE";

    public static DeviceSpec Auto => new(DeviceKind.Auto, 0);

    public static DeviceSpec Parse(string text)
    {
        var trimmed = text.Trim().ToLowerInvariant();
        var parts = trimmed.Split(':');
        var kind = parts[0] switch
        {
            "auto" => DeviceKind.Auto,
            "cuda" => DeviceKind.Cuda,
            "opencl" => DeviceKind.OpenCL,
            "cpu" => DeviceKind.Cpu,
            "cpu-sim" => DeviceKind.CpuSim,
            _ => throw Invalid(text),
        };
        var index = 0;
        if (parts.Length > 2 || (parts.Length == 2 && (!int.TryParse(parts[1], out index) || index < 0)))
            throw Invalid(text);
        if (kind == DeviceKind.Auto && parts.Length == 2)
            throw new DeviceException($"device '{text}': 'auto' takes no index; name the kind, for example cuda:{index}");
        return new DeviceSpec(kind, index);
    }

    /// <summary>The request from <see cref="EnvironmentVariable"/>, or <c>auto</c> when it is unset.</summary>
    public static DeviceSpec FromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(value) ? Auto : Parse(value);
    }

    public override string ToString() => Kind == DeviceKind.Auto ? "auto" : $"{Name(Kind)}:{Index}";

    /// <summary>The kind as the user writes it.</summary>
    public static string Name(DeviceKind kind) => kind == DeviceKind.CpuSim ? "cpu-sim" : kind.ToString().ToLowerInvariant();

    private static DeviceException Invalid(string text) =>
        new($"unknown device '{text}': expected auto, cuda, opencl, cpu or cpu-sim, optionally with :N (for example cuda:1)");
}

/// <summary>A device could not be parsed or opened; the message is meant for the user as it is.</summary>
public sealed class DeviceException(string message) : DeepVisException(message);
