using DeepVis.Tests.Support;

namespace DeepVis.Tests.Cli;

public sealed class DevicesCommandTests
{
    [Fact]
    public void Lists_both_cpu_devices_and_selects_the_fast_one()
    {
        var run = CliRun.Of("devices", "--device", "cpu");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("cpu:0: host CPU", run.Output);
        Assert.Contains("cpu-sim:0: ", run.Output);
        Assert.Contains("ILGPU's simulator", run.Output);
        Assert.Contains("selected: cpu:0 (host CPU", run.Output);
    }

    [Fact]
    public void Selects_the_simulator_by_name()
    {
        var run = CliRun.Of("devices", "--device", "cpu-sim");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("selected: cpu-sim:0 (", run.Output);
    }

    [Fact]
    public void A_missing_device_kind_lists_what_is_present()
    {
        CliRun.Of("devices", "--device", "cpu:7").AssertOneLineError("'cpu:7' is not present", "present: ", "cpu:0");
    }

    [Fact]
    public void An_unknown_device_name_says_what_is_expected()
    {
        CliRun.Of("devices", "--device", "gpu").AssertOneLineError("unknown device 'gpu'", "auto, cuda, opencl, cpu or cpu-sim");
    }
}
