namespace DeepVis.Tests.Support;

/// <summary>
/// The committed fixture files in tests/DeepVis.Tests/Fixtures, made by
/// weights-converter/fixtures/make_fixtures.py and make_reader_fixtures.py with Debian's PyTorch.
/// </summary>
public static class Fixtures
{
    public static string Path(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "tests", "DeepVis.Tests", "Fixtures", name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"fixture {name} not found under tests/DeepVis.Tests/Fixtures "
            + "(made by weights-converter/fixtures/make_fixtures.py and make_reader_fixtures.py)");
    }

    /// <summary>A path relative to the repository root (samples/, models/), found from the fixtures folder.</summary>
    public static string Repo(string relative) =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path("vgg16-narrow.pth"))!, "..", "..", "..", relative));
}
