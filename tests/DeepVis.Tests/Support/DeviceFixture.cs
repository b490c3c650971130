using DeepVis.Kernels.Runtime;

[assembly: AssemblyFixture(typeof(DeepVis.Tests.Support.DeviceFixture))]
// One accelerator stream is shared by every test: run them one at a time.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerAssembly)]

namespace DeepVis.Tests.Support;

/// <summary>
/// The device every test runs on: the CPU accelerator unless DEEPVIS_DEVICE names another
/// (DEEPVIS_DEVICE=cuda runs the same suite on the GPU).
/// </summary>
public sealed class DeviceFixture : IDisposable
{
    public Device Device { get; } = Device.Open(Environment.GetEnvironmentVariable(DeviceSpec.EnvironmentVariable) ?? "cpu");

    public void Dispose() => Device.Dispose();
}
