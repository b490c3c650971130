using DeepVis.Nets.Weights;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

public sealed class WeightsFileTests
{
    [Fact]
    public void Round_trips_info_classes_and_every_tensor()
    {
        using var folder = new TestWeights.TempFolder();
        var original = TestWeights.MiniVgg();
        original.Write(folder.File("w.h5"));
        var read = WeightsFile.Read(folder.File("w.h5"));

        Assert.Equal(original.Info.Arch, read.Info.Arch);
        Assert.Equal(original.Info.InputChannels, read.Info.InputChannels);
        Assert.Equal(original.Info.Mean, read.Info.Mean);
        Assert.Equal(original.Info.Std, read.Info.Std);
        Assert.Equal(original.Info.DefaultSize, read.Info.DefaultSize);
        Assert.Equal(original.Info.ClassCount, read.Info.ClassCount);
        Assert.Equal(original.Info.ColorOrder, read.Info.ColorOrder);
        Assert.Equal(original.Info.InputRange, read.Info.InputRange);
        Assert.Equal(original.Info.Classes, read.Info.Classes);
        Assert.Equal(original.Tensors.Select(t => t.Name).Order(), read.Tensors.Select(t => t.Name).Order());
        foreach (var t in original.Tensors)
        {
            var r = read.Find(t.Name)!;
            Assert.Equal(t.Shape, r.Shape);
            Assert.Equal(t.Data, r.Data);
        }
    }

    [Fact]
    public void A_file_that_is_not_hdf5_is_one_clear_error()
    {
        using var folder = new TestWeights.TempFolder();
        File.WriteAllBytes(folder.File("junk.h5"), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        var e = Assert.Throws<WeightsException>(() => WeightsFile.Read(folder.File("junk.h5")));
        Assert.Contains("junk.h5", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void A_truncated_file_is_one_clear_error()
    {
        using var folder = new TestWeights.TempFolder();
        TestWeights.MiniVgg().Write(folder.File("w.h5"));
        var bytes = File.ReadAllBytes(folder.File("w.h5"));
        File.WriteAllBytes(folder.File("cut.h5"), bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<WeightsException>(() => WeightsFile.Read(folder.File("cut.h5")));
        Assert.Contains("cut.h5", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var e = Assert.Throws<WeightsException>(() => WeightsFile.Read("/nonexistent/w.h5"));
        Assert.Contains("/nonexistent/w.h5", e.Message);
    }

    [Fact]
    public void An_hdf5_file_of_another_kind_is_refused()
    {
        using var folder = new TestWeights.TempFolder();
        new PureHDF.H5File { ["data"] = new float[] { 1, 2, 3 } }.Write(folder.File("other.h5"));
        var e = Assert.Throws<WeightsException>(() => WeightsFile.Read(folder.File("other.h5")));
        Assert.Contains("not a DeepVis weights file", e.Message);
    }

    [Fact]
    public void A_failed_write_leaves_no_file_behind()
    {
        using var folder = new TestWeights.TempFolder();
        var target = Path.Combine(folder.Path, "missing-folder", "w.h5");
        Assert.ThrowsAny<Exception>(() => TestWeights.MiniVgg().Write(target));
        Assert.False(File.Exists(target));
        Assert.Empty(Directory.GetFiles(folder.Path, "*", SearchOption.AllDirectories));
    }
}
