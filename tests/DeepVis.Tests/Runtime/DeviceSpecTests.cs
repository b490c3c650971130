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
    [InlineData("cpu-sim", DeviceKind.CpuSim, 0)]
    [InlineData("CPU-SIM:0", DeviceKind.CpuSim, 0)]
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

    [Theory]
    [InlineData("cpu-sim:0")]
    [InlineData("cpu:0")]
    public void Prints_as_parsed(string text) => Assert.Equal(text, DeviceSpec.Parse(text).ToString());

    [Fact]
    public void Auto_takes_a_gpu_else_the_fast_cpu_path_never_the_simulator()
    {
        var present = Device.ListPresent();
        var expected = present.Any(l => l.StartsWith("cuda:")) ? DeviceKind.Cuda
            : present.Any(l => l.StartsWith("opencl:")) ? DeviceKind.OpenCL : DeviceKind.Cpu;
        using var device = Device.Open("auto");
        Assert.Equal(expected, device.Spec.Kind);
        Assert.Equal(expected == DeviceKind.Cpu, device.RunsOnHost);
    }

    [Fact]
    public void Opening_an_absent_device_names_the_present_ones()
    {
        var e = Assert.Throws<DeviceException>(() => Device.Open("cpu:9"));
        Assert.Contains("present: ", e.Message);
        Assert.Contains("cpu:0", e.Message);
    }
}
