using DeepVis.Nets;
using DeepVis.Nets.Files;
using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Security;

/// <summary>Input that could take the process down or take over the terminal: deep nesting, control characters.</summary>
public sealed class TerminalAndParserTests : IDisposable
{
    private readonly TestWeights.TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private const string Escape = "\u001b]0;owned\u0007\u001b[2J";

    /// <summary>A stored graph whose names carry terminal escape sequences; <paramref name="op"/> may too.</summary>
    private string Hostile(string op)
    {
        var block = TestWeights.AsymmetricBlock();
        GraphNode[] nodes =
        [
            new("main" + Escape, "Conv", [Network.InputName], ["alias" + Escape], new Dictionary<string, double[]> { ["kernel"] = [3, 3], ["stride"] = [2, 2], ["pads"] = [1, 1, 0, 0] }),
            new("shortcut", op, [Network.InputName], null, new Dictionary<string, double[]> { ["kernel"] = [1, 1], ["stride"] = [2, 2] }),
        ];
        var path = _folder.File($"hostile-{op.Length}.h5");
        new WeightsFile(block.Info with { Graph = StoredGraph.Serialize(nodes) },
            [.. block.Tensors.Select(t => t with { Name = t.Name.Replace("main.", "main" + Escape + ".") })]).Write(path);
        return path;
    }

    [Fact]
    public void Layer_listings_and_errors_escape_what_a_file_names()
    {
        var listed = CliRun.Of("layers", "--weights", Hostile("Conv"));
        Assert.True(listed.ExitCode == 0, listed.Error);
        Assert.Contains(@"main\x1b]0;owned\x07", listed.Output);
        Assert.DoesNotContain('\u001b', listed.Output);
        var refused = CliRun.Of("layers", "--weights", Hostile("Tanh" + Escape));
        refused.AssertOneLineError(@"\x1b");
        Assert.DoesNotContain('\u001b', refused.Error);
    }

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
        Assert.Equal(@"a\b \u202e", FileText.Escape("a\\b \u202e"));
        // Escaping twice (where a message is made and where it is printed) changes nothing.
        var once = FileText.Escape("C:\\models\\x\u001b.h5");
        Assert.Equal(@"C:\models\x\x1b.h5", once);
        Assert.Equal(once, FileText.Escape(once));
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
