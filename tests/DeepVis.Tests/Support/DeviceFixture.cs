using DeepVis.Kernels.Runtime;

[assembly: AssemblyFixture(typeof(DeepVis.Tests.Support.DeviceFixture))]
// One accelerator stream is shared by every test: run them one at a time.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerAssembly)]

namespace DeepVis.Tests.Support;

/// <summary>Which implementation of the ops a kernel test checks.</summary>
public enum Implementation
{
    /// <summary>DeepVis's CPU kernels (the <c>cpu</c> device).</summary>
    Cpu,

    /// <summary>The ILGPU kernels: on the GPU that DEEPVIS_DEVICE names, else on ILGPU's CPU accelerator (<c>cpu-sim</c>).</summary>
    Ilgpu,
}

/// <summary>
/// The devices the tests run on. <see cref="Device"/> runs networks, visualizations and the CLI: the
/// fast <c>cpu</c> device unless DEEPVIS_DEVICE names another (DEEPVIS_DEVICE=cuda runs the suite on
/// the GPU). Kernel tests run once per <see cref="Implementation"/>, on <see cref="For"/>.
/// </summary>
public sealed class DeviceFixture : IDisposable
{
    private readonly Lazy<Device> _cpu;
    private readonly Lazy<Device> _ilgpu;

    public DeviceFixture()
    {
        Device = Device.Open(Environment.GetEnvironmentVariable(DeviceSpec.EnvironmentVariable) ?? "cpu");
        _cpu = new(() => Device.RunsOnHost ? Device : Device.Open("cpu"));
        _ilgpu = new(() => Device.RunsOnHost ? Device.Open("cpu-sim") : Device);
    }

    public Device Device { get; }

    /// <summary>The device whose ops run <paramref name="implementation"/>'s kernels.</summary>
    public Device For(Implementation implementation) => implementation == Implementation.Cpu ? _cpu.Value : _ilgpu.Value;

    public void Dispose()
    {
        foreach (var other in new[] { _cpu, _ilgpu })
            if (other.IsValueCreated && other.Value != Device) other.Value.Dispose();
        Device.Dispose();
    }
}
