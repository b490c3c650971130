using System.CommandLine;
using System.Text.RegularExpressions;
using DeepVis.Cli;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Cli;

/// <summary>
/// Every verb's --help: each default said once (System.CommandLine's [default: ...], never a hand-written
/// one beside it), and text that stays true: no issue numbers, no "today", no measured figures.
/// </summary>
public sealed class HelpTests
{
    /// <summary>Every verb and sub-verb, as the words that name it on the command line.</summary>
    public static TheoryData<string> Verbs()
    {
        var data = new TheoryData<string>();
        void Add(Command command, string prefix)
        {
            foreach (var sub in command.Subcommands)
            {
                data.Add((prefix + " " + sub.Name).Trim());
                Add(sub, prefix + " " + sub.Name);
            }
        }
        Add(App.Build(TextWriter.Null), "");
        return data;
    }

    private static Command Find(string verb) =>
        verb.Split(' ').Aggregate((Command)App.Build(TextWriter.Null), (command, name) => command.Subcommands.Single(c => c.Name == name));

    [Theory]
    [MemberData(nameof(Verbs))]
    public void No_option_states_its_default_twice(string verb)
    {
        var twice = Find(verb).Options.Where(o => o.HasDefaultValue && o.Description?.Contains("default", StringComparison.OrdinalIgnoreCase) == true)
            .Select(o => o.Name).ToList();
        Assert.True(twice.Count == 0, $"{verb}: {string.Join(", ", twice)} say their default in the description and System.CommandLine says it again");
        var run = CliRun.Of([.. verb.Split(' '), "--help"]);
        Assert.Equal(0, run.ExitCode);
        var lines = run.Output.Split('\n').Where(l => l.Contains("[default: ")).ToList();
        Assert.All(lines, l => Assert.DoesNotContain("(default", l[..l.IndexOf("[default: ", StringComparison.Ordinal)]));
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public void Help_says_why_not_when(string verb)
    {
        var help = CliRun.Of([.. verb.Split(' '), "--help"]).Output;
        Assert.DoesNotMatch(new Regex(@"\bissue\s*#?\d|\bissue's\b|\btoday\b|first seed|\d+(\.\d+)?\s*dB\b", RegexOptions.IgnoreCase), help);
    }

    [Fact]
    public void Every_option_that_sizes_work_states_its_upper_bound()
    {
        foreach (var (verb, option) in new[] { ("render", "--steps"), ("render", "--size"), ("render", "--batch"), ("dream", "--octaves"),
                     ("invert", "--restarts"), ("filters", "--filter-end"), ("atlas", "--batch"), ("render", "--transforms") })
        {
            var description = Find(verb).Options.Single(o => o.Name == option).Description!;
            Assert.Matches(@"(up )?to \d+", description);
        }
    }
}
