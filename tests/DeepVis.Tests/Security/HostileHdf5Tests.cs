using DeepVis.Nets.Weights;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Security;

/// <summary>
/// HDF5 files that ask the reader to look outside themselves (weights-converter/fixtures/make_hostile_hdf5.py):
/// both readers, ours (--weights) and Keras's (convert), refuse each with one line.
/// </summary>
public sealed class HostileHdf5Tests : IDisposable
{
    private readonly TestWeights.TempFolder _folder = new();

    [Theory]
    [InlineData("external-storage.h5", "keeps its values in external files")]
    [InlineData("external-link.h5", "'features.0' leads into another file ('/etc/passwd', an external link)")]
    [InlineData("soft-link-cycle.h5", "soft-link cycle")]
    public void Our_reader_refuses_a_file_that_reads_outside_itself(string name, string expected) =>
        CliRun.Of("layers", "--weights", Fixtures.Path($"hostile/{name}")).AssertOneLineError(name, expected);

    [Theory]
    [InlineData("keras-external-storage.h5", "keeps its values in external files")]
    [InlineData("keras-external-link.h5", "'block1_conv1' leads into another file ('/etc/passwd', an external link)")]
    [InlineData("keras-soft-link-cycle.h5", "soft-link cycle")]
    public void Convert_refuses_a_keras_file_that_reads_outside_itself(string name, string expected)
    {
        CliRun.Of("convert", Fixtures.Path($"hostile/{name}"), "--out", _folder.File("out.h5")).AssertOneLineError(name, expected);
        Assert.Empty(Directory.GetFiles(_folder.Path));
    }

    /// <summary>Resolving the link would open the FIFO, which blocks until something writes to it: the link is refused unopened.</summary>
    [Fact]
    public async Task An_external_link_to_a_fifo_is_refused_without_opening_it()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "mkfifo is Linux's");
        var fifo = $"/tmp/dv{Guid.NewGuid().ToString("N")[..4]}"; // as long as the fixture's "/etc/passwd", so it patches in place
        System.Diagnostics.Process.Start("mkfifo", [fifo])!.WaitForExit();
        try
        {
            var bytes = File.ReadAllBytes(Fixtures.Path("hostile/external-link.h5"));
            var at = bytes.AsSpan().IndexOf("/etc/passwd"u8);
            System.Text.Encoding.ASCII.GetBytes(fifo).CopyTo(bytes, at);
            var path = _folder.File("fifo-link.h5");
            File.WriteAllBytes(path, bytes);
            var run = await Task.Run(() => CliRun.Of("layers", "--weights", path), TestContext.Current.CancellationToken)
                .WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            run.AssertOneLineError($"leads into another file ('{fifo}', an external link)");
        }
        finally
        {
            File.Delete(fifo);
        }
    }

    [Fact]
    public void A_dataset_claiming_more_values_than_the_file_holds_is_refused_before_allocation()
    {
        var path = _folder.File("huge.h5");
        var file = new PureHDF.H5File
        {
            ["features.0"] = new PureHDF.H5Group { ["weight"] = new PureHDF.H5Dataset<float[]>(fileDims: [1UL << 40]) },
        };
        var source = TestWeights.MiniVgg().ToH5File();
        foreach (var (key, value) in source.Attributes) file.Attributes[key] = value;
        file.Write(path);
        var before = GC.GetTotalAllocatedBytes();
        var error = Assert.Throws<WeightsException>(() => WeightsFile.Read(path));
        Assert.True(error.Message.Contains("claims"), error.Message);
        Assert.True(GC.GetTotalAllocatedBytes() - before < 100_000_000);
    }

    public void Dispose() => _folder.Dispose();
}
