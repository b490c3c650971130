using DeepVis.Cli;

namespace DeepVis.Tests.Support;

/// <summary>Runs the deepvis command line in-process and captures what it prints.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static CliRun Of(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = App.Run(args, output, error);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>A user error: exit 2, exactly one line on stderr, no stack trace.</summary>
    public void AssertOneLineError(params string[] fragments)
    {
        Assert.Equal(App.UserErrorExitCode, ExitCode);
        var lines = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one error line, got:\n{Error}");
        Assert.StartsWith("deepvis: error: ", lines[0]);
        Assert.DoesNotContain("   at ", Error);
        foreach (var f in fragments) Assert.Contains(f, lines[0]);
    }
}
