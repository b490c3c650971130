using System.CommandLine;
using DeepVis.Cli;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Cli;

/// <summary>
/// What App.Run makes of an exception: a <see cref="DeepVisException"/> is the user's mistake (one line,
/// exit 2); anything else is a bug in DeepVis, reported as one in one line (exit 70) with the stack trace
/// only when asked for.
/// </summary>
public sealed class AppErrorTests
{
    /// <summary>The verbs plus one whose action throws <paramref name="thrown"/>: the seam a bug goes through.</summary>
    private static CliRun Throwing(Exception thrown, bool trace)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var root = App.Build(output);
        var broken = new Command("broken", "a verb with a bug");
        broken.SetAction(new Func<ParseResult, int>(_ => throw thrown));
        root.Subcommands.Add(broken);
        var code = App.Run(root, ["broken"], output, error, trace);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    [Fact]
    public void A_bug_is_one_line_saying_so_with_the_type_message_and_where_to_report_it()
    {
        var run = Throwing(new InvalidOperationException("the cache is empty\nsecond line"), trace: false);
        Assert.Equal(App.InternalErrorExitCode, run.ExitCode);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("deepvis: internal error: System.InvalidOperationException: the cache is empty. This is a bug in DeepVis", line);
        Assert.Contains("report it with the command line", line);
        Assert.Contains($"{App.TraceVariable}=1", line);
        Assert.DoesNotContain("   at ", run.Error);
    }

    [Fact]
    public void The_trace_switch_adds_the_stack_trace()
    {
        var run = Throwing(new NullReferenceException("no model"), trace: true);
        Assert.Equal(App.InternalErrorExitCode, run.ExitCode);
        Assert.StartsWith("deepvis: internal error: System.NullReferenceException: no model.", run.Error);
        Assert.Contains("   at ", run.Error);
    }

    [Fact]
    public void A_user_error_from_any_layer_is_one_line_and_exit_2() =>
        Throwing(new SettingsException("octave scale: expected a number above 1, got 0.5"), trace: true)
            .AssertOneLineError("octave scale: expected a number above 1, got 0.5");

    /// <summary>The jitter case of the error report: a transform larger than the model's 28x28 image, found once the model is open.</summary>
    [Fact]
    public void A_jitter_larger_than_the_image_is_one_line_and_exit_2()
    {
        using var folder = new TestWeights.TempFolder();
        CliRun.Of("render", "--objective", "conv1_1:0", "--transforms", "jitter:100", "--device", "cpu", "--out", folder.File("out"), "--quiet")
            .AssertOneLineError("transforms jitter:100: a 28x28 image can become empty at jitter:100");
        Assert.False(File.Exists(folder.File("out/render-0.png")));
    }
}
