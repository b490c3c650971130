namespace DeepVis.Kernels.Runtime;

/// <summary>Which kind of accelerator a user asked for.</summary>
public enum DeviceKind { Auto, Cuda, OpenCL, Cpu }

/// <summary>
/// A parsed device request: <c>auto</c>, <c>cuda</c>, <c>opencl</c> or <c>cpu</c>, optionally with
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

    public override string ToString() => Kind == DeviceKind.Auto ? "auto" : $"{Kind.ToString().ToLowerInvariant()}:{Index}";

    private static DeviceException Invalid(string text) =>
        new($"unknown device '{text}': expected auto, cuda, opencl or cpu, optionally with :N (for example cuda:1)");
}

/// <summary>A device could not be parsed or opened; the message is meant for the user as it is.</summary>
public sealed class DeviceException(string message) : Exception(message);
