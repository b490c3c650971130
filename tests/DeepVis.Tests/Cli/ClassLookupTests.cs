using DeepVis.Cli;

namespace DeepVis.Tests.Cli;

public sealed class ClassLookupTests
{
    private static readonly string[] Fashion =
        ["t-shirt/top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"];

    private static int Resolve(string text) => ClassLookup.Resolve(text, Fashion, Fashion.Length);

    private static string Error(string text, IReadOnlyList<string>? names = null, int count = 10) =>
        Assert.Throws<SettingsException>(() => ClassLookup.Resolve(text, names ?? Fashion, count)).Message;

    [Theory]
    [InlineData("0", 0)]
    [InlineData(" 9 ", 9)]
    [InlineData("dress", 3)]
    [InlineData("Ankle Boot", 9)]
    [InlineData("SNEAK", 7)]
    [InlineData("boot", 9)]
    [InlineData("shirt", 6)] // exact beats the substring of t-shirt/top
    [InlineData("T-SHIRT", 0)]
    public void Finds_a_class_by_index_exact_name_case_insensitive_name_or_unique_substring(string text, int expected) =>
        Assert.Equal(expected, Resolve(text));

    [Fact]
    public void An_exact_name_wins_over_a_case_insensitive_one()
    {
        string[] names = ["Crane", "crane", "dog"];
        Assert.Equal(1, ClassLookup.Resolve("crane", names, 3));
        Assert.Equal(0, ClassLookup.Resolve("Crane", names, 3));
    }

    [Fact]
    public void An_ambiguous_substring_lists_the_matches()
    {
        var message = Error("s");
        Assert.Contains("class 's' is ambiguous", message);
        Assert.Contains("0 't-shirt/top', 1 'trouser', 3 'dress', 5 'sandal', 6 'shirt' and 1 more", message);
    }

    [Fact]
    public void Duplicate_names_are_ambiguous()
    {
        string[] names = ["crane", "dog", "crane"];
        Assert.Contains("matches 0 'crane', 2 'crane'", Assert.Throws<SettingsException>(() => ClassLookup.Resolve("crane", names, 3)).Message);
    }

    [Fact]
    public void An_unknown_name_lists_the_five_closest_by_edit_distance()
    {
        var message = Error("sandel");
        Assert.Contains("unknown class 'sandel'; closest: 5 'sandal'", message);
        var listed = message[(message.IndexOf("closest: ") + 9)..message.IndexOf(" (or an index 0 to 9)")];
        Assert.Equal(5, listed.Split(", ").Length);
    }

    [Fact]
    public void Closeness_uses_the_best_comma_separated_part_of_a_name()
    {
        string[] names = ["goldfish, Carassius auratus", "tench, Tinca tinca", "great white shark"];
        Assert.StartsWith("unknown class 'tenhc'; closest: 1 'tench, Tinca tinca'", Assert.Throws<SettingsException>(() => ClassLookup.Resolve("tenhc", names, 3)).Message);
    }

    [Theory]
    [InlineData("10")]
    [InlineData("-1")]
    public void An_index_out_of_range_names_the_class_count(string text) =>
        Assert.Contains($"class index {text} is out of range: the model has 10 classes, 0 to 9", Error(text));

    [Fact]
    public void A_model_without_names_takes_only_indexes()
    {
        Assert.Equal(4, ClassLookup.Resolve("4", null, 5));
        Assert.Contains("class 'coat': the model has no class names; give an index 0 to 4",
            Assert.Throws<SettingsException>(() => ClassLookup.Resolve("coat", null, 5)).Message);
    }

    [Theory]
    [InlineData(0, "class-0-t-shirt-top")]
    [InlineData(9, "class-9-ankle-boot")]
    public void File_names_hold_the_index_and_a_sanitized_name(int index, string expected) =>
        Assert.Equal(expected, ClassLookup.FileName(index, Fashion));

    [Fact]
    public void File_names_without_usable_names_are_the_index()
    {
        Assert.Equal("class-2", ClassLookup.FileName(2, null));
        Assert.Equal("class-0", ClassLookup.FileName(0, ["/// ???"]));
        Assert.Equal("class-0-tench-tinca-tinca", ClassLookup.FileName(0, ["tench, Tinca tinca"]));
        Assert.Equal(40, ClassLookup.Sanitize(new string('a', 60)).Length);
    }
}
