using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Runtime;

/// <summary>The device counts the bytes its tensors hold, for the benchmark's peak-memory figure.</summary>
public sealed class MemoryAccountingTests(DeviceFixture fixture)
{
    [Fact]
    public void Tensors_add_their_bytes_while_alive_and_the_peak_remembers_the_most()
    {
        using var device = Device.Open(fixture.Device.Spec);
        var before = device.AllocatedBytes;
        device.ResetPeak();
        var a = new Tensor(device, 2, 3, 5, 7);
        using (var b = new Tensor(device, 11))
            Assert.Equal(before + 4L * (2 * 3 * 5 * 7 + 11), device.AllocatedBytes);
        a.Dispose();
        a.Dispose();
        Assert.Equal(before, device.AllocatedBytes);
        Assert.Equal(before + 4L * (2 * 3 * 5 * 7 + 11), device.PeakBytes);
    }
}
