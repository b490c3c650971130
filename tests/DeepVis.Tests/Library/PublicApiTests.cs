using DeepVis.Tests.Support;
using PublicApiGenerator;

namespace DeepVis.Tests.Library;

/// <summary>
/// The library's public surface is what programs compile against: any change to it shows here as a
/// difference from the committed file, so it is made on purpose.
/// </summary>
public sealed class PublicApiTests
{
    private const string Approved = "tests/DeepVis.Tests/Library/DeepVis.Library.approved.txt";

    /// <summary>Set to 1 to rewrite the approved file with the current surface (then review and commit its diff).</summary>
    private const string AcceptVariable = "DEEPVIS_ACCEPT_API";

    [Fact]
    public void The_public_api_is_the_approved_one()
    {
        var current = typeof(DeepVis.Model).Assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false }).ReplaceLineEndings("\n");
        var path = Fixtures.Repo(Approved);
        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1") File.WriteAllText(path, current);
        var approved = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : "";
        Assert.True(approved == current,
            $"the public API of DeepVis.Library differs from {Approved}. If the change is deliberate, run " +
            $"'{AcceptVariable}=1 dotnet test --filter-class DeepVis.Tests.Library.PublicApiTests' and commit the file; its diff is the change.\n" +
            $"first difference at line {FirstDifference(approved, current)}");
    }

    private static int FirstDifference(string a, string b)
    {
        var (left, right) = (a.Split('\n'), b.Split('\n'));
        var line = 0;
        while (line < left.Length && line < right.Length && left[line] == right[line]) line++;
        return line + 1;
    }
}
