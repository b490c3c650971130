using DeepVis.Kernels.Runtime;

namespace DeepVis.Tests.Runtime;

public sealed class DeviceSpecTests
{
    [Theory]
    [InlineData("auto", DeviceKind.Auto, 0)]
    [InlineData("cuda", DeviceKind.Cuda, 0)]
    [InlineData("CUDA:1", DeviceKind.Cuda, 1)]
    [InlineData("opencl:2", DeviceKind.OpenCL, 2)]
    [InlineData(" cpu ", DeviceKind.Cpu, 0)]
    public void Parses_kind_and_index(string text, DeviceKind kind, int index)
    {
        Assert.Equal(new DeviceSpec(kind, index), DeviceSpec.Parse(text));
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:1:2")]
    [InlineData("auto:1")]
    public void Rejects_malformed_requests(string text)
    {
        var e = Assert.Throws<DeviceException>(() => DeviceSpec.Parse(text));
        Assert.Contains($"'{text}'", e.Message);
    }

    [Fact]
    public void Opening_an_absent_device_names_the_present_ones()
    {
        var e = Assert.Throws<DeviceException>(() => Device.Open("cpu:9"));
        Assert.Contains("present: ", e.Message);
        Assert.Contains("cpu:0", e.Message);
    }
}
