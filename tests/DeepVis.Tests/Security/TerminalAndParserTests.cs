using DeepVis.Nets.Files;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Security;

/// <summary>Input that could take the process down or take over the terminal: deep nesting, control characters.</summary>
public sealed class TerminalAndParserTests
{
    [Fact]
    public void Fifteen_thousand_nested_parentheses_are_one_line_not_a_stack_overflow()
    {
        var deep = new string('(', 15_000) + "conv1_1:0" + new string(')', 15_000);
        var run = CliRun.Of("render", "--objective", deep, "--device", "cpu", "--quiet", "--steps", "1");
        run.AssertOneLineError("at most 64 nested");
        Assert.True(run.Error.Length < 1000, $"the error quotes {run.Error.Length} characters");
        CliRun.Of("render", "--objective", new string('-', 15_000) + "conv1_1:0", "--device", "cpu", "--quiet", "--steps", "1").AssertOneLineError("at most 64 nested");
    }

    [Fact]
    public void Control_characters_from_a_file_are_escaped_and_long_names_cut()
    {
        Assert.Equal(@"evil\x1b]0;owned\x07\x0d", FileText.Escape("evil\u001b]0;owned\u0007\r"));
        Assert.Equal(@"a\\b \u202e", FileText.Escape("a\\b \u202e"));
        var cut = FileText.Escape(new string('n', 10_000_000));
        Assert.StartsWith(new string('n', FileText.MaxQuoted) + "... (", cut);
        Assert.True(cut.Length < FileText.MaxQuoted + 50);
    }

    [Theory]
    [InlineData("/layer1/conv", "layer1_conv")]
    [InlineData("../../../x", "x")]
    [InlineData("..", "_")]
    [InlineData("", "_")]
    [InlineData("a/../../b", "a_.._.._b")]
    [InlineData("\u001b[31mred", "__31mred")]
    [InlineData("C:\\win", "C__win")]
    public void A_name_from_a_file_becomes_one_harmless_file_name_part(string name, string expected) => Assert.Equal(expected, PathName.Of(name));
}
