using DeepVis.Tests.Support;

namespace DeepVis.Tests.Cli;

/// <summary>What System.CommandLine rejects (an unknown verb or option, a value outside an option's choices, a missing required option) is one line, like every other user error.</summary>
public sealed class ParseErrorTests
{
    [Fact]
    public void A_value_outside_an_options_choices_is_one_line_naming_it() =>
        CliRun.Of("invert", "samples/sneaker.png", "--layer", "conv1_1", "--init", "zeros")
            .AssertOneLineError("zeros", "--init", "(see 'deepvis invert --help')");

    [Fact]
    public void A_missing_required_option_is_one_line() =>
        CliRun.Of("class").AssertOneLineError("--class", "required", "(see 'deepvis class --help')");

    [Fact]
    public void An_unknown_verb_is_one_line() =>
        CliRun.Of("paint", "--layer", "conv1_1").AssertOneLineError("paint", "(see 'deepvis --help')");

    [Fact]
    public void Help_is_still_help()
    {
        var run = CliRun.Of("filters", "--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--filter-start", run.Output);
        Assert.Equal("", run.Error);
    }
}
