namespace DeepVis.Tests.Converter;

/// <summary>
/// Fixture files and scratch files that are deleted with the test.
/// </summary>
public abstract class ConverterFiles : IDisposable
{
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "deepvis-converter-" + Guid.NewGuid().ToString("N"));

    protected static string Fixture(string name) => Support.Fixtures.Path(name);

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
