using DeepVis.Cli;
using DeepVis.Optim;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Cli;

public sealed class OctaveScheduleTests : IDisposable
{
    private readonly TestWeights.TempFolder _folder = new();

    private string Json(string text, string name = "schedule.json")
    {
        var path = _folder.File(name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Error(string text) => Assert.Throws<UserException>(() => OctaveSchedule.Parse(text)).Message;

    [Fact]
    public void Parses_a_list()
    {
        Assert.Equal([new Octave(0.5f, 60, 1f, 0.5f), new Octave(1f, 100, 0.6f, 0f)], OctaveSchedule.Parse("0.5:60:1.0:0.5, 1:100:0.6:0"));
    }

    [Fact]
    public void The_default_schedule_round_trips_through_its_list_form()
    {
        Assert.Equal(ClassSettings.DefaultOctaves, OctaveSchedule.Parse(OctaveSchedule.Format(ClassSettings.DefaultOctaves)));
    }

    [Fact]
    public void Parses_a_json_file()
    {
        var path = Json("""[{"scale": 0.5, "iterations": 20, "start_sigma": 1.5, "end_sigma": 0.5}, {"end_sigma": 0.3, "scale": 1, "iterations": 30, "start_sigma": 1}]""");
        Assert.Equal([new Octave(0.5f, 20, 1.5f, 0.5f), new Octave(1f, 30, 1f, 0.3f)], OctaveSchedule.Parse(path));
    }

    [Theory]
    [InlineData("1:10:1", "entry 1 '1:10:1': expected scale:iterations:start_sigma:end_sigma")]
    [InlineData("1:10:1:0.3,", "entry 2 '': expected scale:iterations")]
    [InlineData("x:10:1:0.3", "entry 1 'x:10:1:0.3': scale 'x' is not a number")]
    [InlineData("1:2.5:1:0.3", "iterations '2.5' is not a whole number")]
    [InlineData("1:10:1:0.3,0.5:0:1:0.3", "entry 2 '0.5:0:1:0.3': iterations must be 1 to 100000, got 0")]
    [InlineData("0:10:1:0.3", "scale must be above 0 and at most 4, got 0")]
    [InlineData("5:10:1:0.3", "scale must be above 0 and at most 4, got 5")]
    [InlineData("1:10:-1:0.3", "start_sigma must be 0 to 50 pixels, got -1")]
    [InlineData("1:10:1:NaN", "end_sigma must be 0 to 50 pixels, got NaN")]
    public void A_bad_list_entry_is_named(string text, string expected) =>
        Assert.Contains(expected, Error(text));

    [Theory]
    [InlineData("{\"scale\": 1}", "expected a non-empty JSON array")]
    [InlineData("[]", "expected a non-empty JSON array")]
    [InlineData("[1]", "entry 1: expected an object, got number")]
    [InlineData("[{\"scale\": 1, \"iterations\": 10, \"start_sigma\": 1}]", "entry 1: 'end_sigma' must be given as a number")]
    [InlineData("[{\"scale\": 1, \"iterations\": 10, \"start_sigma\": 1, \"end_sigma\": \"0.3\"}]", "'end_sigma' must be given as a number")]
    [InlineData("[{\"scale\": 1, \"iterations\": 10.5, \"start_sigma\": 1, \"end_sigma\": 0.3}]", "'iterations' must be a whole number")]
    [InlineData("[{\"scale\": 1, \"iterations\": 10, \"start_sigma\": 1, \"end_sigma\": 0.3, \"sigma\": 2}]", "unknown key 'sigma'")]
    [InlineData("[{\"scale\": 9, \"iterations\": 10, \"start_sigma\": 1, \"end_sigma\": 0.3}]", "entry 1: scale must be above 0 and at most 4, got 9")]
    [InlineData("[{\"scale\": 1,", "is not valid JSON")]
    public void A_bad_json_file_is_named_with_the_problem(string text, string expected)
    {
        var path = Json(text);
        var message = Error(path);
        Assert.Contains($"octave schedule '{path}'", message);
        Assert.Contains(expected, message);
        Assert.DoesNotContain("\n", message);
    }

    [Fact]
    public void A_missing_json_file_is_named()
    {
        Assert.Contains("octave schedule file '" + _folder.File("none.json") + "' does not exist", Error(_folder.File("none.json")));
    }

    public void Dispose() => _folder.Dispose();
}
