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

    /// <summary>Option bounds are System.CommandLine's to check: refused while parsing, before a model is opened or a file read.</summary>
    [Theory]
    [InlineData(new[] { "render-quality", "--layers", "conv1_1", "--channels", "0" }, "--channels must be a whole number from 1 to 65535, got '0'")]
    [InlineData(new[] { "render-quality", "--layers", "conv1_1", "--size", "100000" }, "--size must be a whole number from 1 to 4096, got '100000'")]
    [InlineData(new[] { "serve", "site", "--port", "70000" }, "--port must be a whole number from 0 to 65535, got '70000'")]
    [InlineData(new[] { "serve", "site", "--queue", "0" }, "--queue must be a whole number from 1 to 1024, got '0'")]
    [InlineData(new[] { "atlas", "--layers", "conv1_1", "--out", "x", "--steps", "2147483647" }, "--steps must be a whole number from 1 to 100000, got '2147483647'")]
    [InlineData(new[] { "atlas", "--layers", "conv1_1", "--out", "x", "--examples-top", "0" }, "--examples-top must be a whole number from 1 to 1024, got '0'")]
    [InlineData(new[] { "atlas", "--layers", "conv1_1", "--out", "x", "--channels", "3-1" }, "--channels must be A-B or A")]
    [InlineData(new[] { "convert", "model.pth", "--size", "100000" }, "--size must be a whole number from 1 to 4096, got '100000'")]
    [InlineData(new[] { "filters", "--layer", "conv1_1", "--decay", "1" }, "--decay must be a number of at least 0 and below 1, got '1'")]
    [InlineData(new[] { "filters", "--layer", "conv1_1", "--step-size", "abc" }, "--step-size must be a number above 0 and at most 255, got 'abc'")]
    [InlineData(new[] { "class", "--class", "1", "--save-every", "0" }, "--save-every must be a whole number from 1 to 100000, got '0'")]
    public void An_option_beyond_its_range_is_refused_while_parsing(string[] args, string message) =>
        CliRun.Of(args).AssertOneLineError(message, $"(see 'deepvis {args[0]} --help')");

    [Fact]
    public void Help_is_still_help()
    {
        var run = CliRun.Of("filters", "--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--filter-start", run.Output);
        Assert.Equal("", run.Error);
    }
}
