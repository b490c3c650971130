namespace DeepVis.Tests.Converter;

/// <summary>
/// Fixture files (copied beside the test assembly, or found by walking up to the repository's
/// tests/DeepVis.Tests/Fixtures) and scratch files that are deleted with the test.
/// </summary>
public abstract class ConverterFiles : IDisposable
{
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "deepvis-converter-" + Guid.NewGuid().ToString("N"));

    protected static string Fixture(string name)
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
        if (File.Exists(beside)) return beside;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "DeepVis.Tests", "Fixtures", name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"fixture {name} not found beside the test assembly or under tests/DeepVis.Tests/Fixtures "
            + "(made by weights-converter/fixtures/make_fixtures.py and make_reader_fixtures.py)");
    }

    /// <summary>A file named <paramref name="name"/> in this test's scratch folder holding <paramref name="bytes"/>.</summary>
    protected string Scratch(string name, byte[] bytes)
    {
        Directory.CreateDirectory(_scratch);
        var path = Path.Combine(_scratch, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        if (Directory.Exists(_scratch)) Directory.Delete(_scratch, recursive: true);
        GC.SuppressFinalize(this);
    }
}
