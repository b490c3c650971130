using PureHDF;

namespace DeepVis.Nets.Weights;

/// <summary>
/// The project's HDF5 weights format (docs/weights-format.md): root attributes describe the model,
/// one group per layer address holds "weight" and "bias" datasets, and "classes" lists class names.
/// </summary>
public sealed class WeightsFile(ModelInfo info, IReadOnlyList<WeightTensor> tensors)
{
    public const string Format = "deepvis-weights";
    public const int Version = 1;

    public ModelInfo Info { get; } = info;
    public IReadOnlyList<WeightTensor> Tensors { get; } = tensors;

    public WeightTensor? Find(string name) => Tensors.FirstOrDefault(t => t.Name == name);

    /// <summary>Writes to a temporary file next to <paramref name="path"/> and moves it into place, so a failure leaves nothing half-written.</summary>
    public void Write(string path)
    {
        var file = ToH5File();
        var temporary = path + ".partial";
        try
        {
            file.Write(temporary);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>The file's content as a PureHDF tree, for writers that add datasets of their own.</summary>
    public H5File ToH5File()
    {
        var file = new H5File();
        file.Attributes["format"] = Format;
        file.Attributes["version"] = Version;
        file.Attributes["arch"] = Info.Arch;
        file.Attributes["input_channels"] = Info.InputChannels;
        file.Attributes["mean"] = Info.Mean;
        file.Attributes["std"] = Info.Std;
        file.Attributes["default_size"] = Info.DefaultSize;
        file.Attributes["class_count"] = Info.ClassCount;
        file.Attributes["color_order"] = Info.ColorOrder;
        file.Attributes["input_range"] = Info.InputRange;
        if (Info.Graph is not null) file.Attributes["graph"] = Info.Graph;
        if (Info.Classes is { Count: > 0 } classes) file["classes"] = classes.ToArray();
        foreach (var group in Tensors.GroupBy(t => LayerOf(t.Name)))
        {
            var h5 = new H5Group();
            foreach (var t in group)
                h5[t.Name[(group.Key.Length + 1)..]] = new H5Dataset(t.Data, fileDims: Array.ConvertAll(t.Shape, d => (ulong)d));
            file[group.Key] = h5;
        }
        return file;
    }

    public static WeightsFile Read(string path)
    {
        if (!File.Exists(path)) throw new WeightsException($"{path}: no such weights file");
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads weights from a seekable stream (an embedded resource); <paramref name="path"/> names it in errors.</summary>
    public static WeightsFile Read(Stream stream, string path)
    {
        try
        {
            using var file = H5File.Open(stream, leaveOpen: true);
            var format = file.AttributeExists("format") ? file.Attribute("format").Read<string>() : null;
            if (format != Format)
                throw new WeightsException($"{path}: not a DeepVis weights file (expected root attribute format=\"{Format}\"; convert .pth or Keras .h5 files with 'deepvis convert')");
            var version = file.Attribute("version").Read<int>();
            if (version != Version)
                throw new WeightsException($"{path}: weights format version {version}, this DeepVis reads version {Version}");
            var classes = file.LinkExists("classes") ? file.Dataset("classes").Read<string[]>() : null;
            var info = new ModelInfo(
                file.Attribute("arch").Read<string>(),
                file.Attribute("input_channels").Read<int>(),
                file.Attribute("mean").Read<float[]>(),
                file.Attribute("std").Read<float[]>(),
                file.Attribute("default_size").Read<int>(),
                file.Attribute("class_count").Read<int>(),
                file.Attribute("color_order").Read<string>(),
                file.Attribute("input_range").Read<float>(),
                classes,
                file.AttributeExists("graph") ? file.Attribute("graph").Read<string>() : null);
            if (info.Problem() is { } problem) throw new WeightsException($"{path}: {problem}");
            var tensors = new List<WeightTensor>();
            foreach (var child in file.Children())
            {
                if (child is not IH5Group group) continue;
                foreach (var item in group.Children())
                {
                    if (item is not IH5Dataset dataset) continue;
                    var shape = Array.ConvertAll(dataset.Space.Dimensions, d => (int)d);
                    tensors.Add(new WeightTensor($"{child.Name}.{item.Name}", shape, dataset.Read<float[]>()));
                }
            }
            return new WeightsFile(info, tensors);
        }
        catch (WeightsException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new WeightsException($"{path}: cannot read as a DeepVis HDF5 weights file ({FirstLine(e.Message)})");
        }
    }

    /// <summary>"features.0.weight" belongs to layer "features.0".</summary>
    private static string LayerOf(string name) => name[..name.LastIndexOf('.')];

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
