using DeepVis.Tests.Support;

namespace DeepVis.Tests.Cli;

public sealed class DevicesCommandTests
{
    [Fact]
    public void Lists_the_cpu_accelerator_and_selects_it()
    {
        var run = CliRun.Of("devices", "--device", "cpu");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("cpu:0: ", run.Output);
        Assert.Contains("selected: cpu:0", run.Output);
    }

    [Fact]
    public void A_missing_device_kind_lists_what_is_present()
    {
        CliRun.Of("devices", "--device", "cpu:7").AssertOneLineError("'cpu:7' is not present", "present: ", "cpu:0");
    }

    [Fact]
    public void An_unknown_device_name_says_what_is_expected()
    {
        CliRun.Of("devices", "--device", "gpu").AssertOneLineError("unknown device 'gpu'", "auto, cuda, opencl or cpu");
    }
}
