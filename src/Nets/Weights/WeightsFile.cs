using DeepVis.Nets.Files;
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

    /// <summary>The longest layer or tensor name written, in UTF-8 bytes (HDF5 allows 65,535 in a link, less its header's room).</summary>
    public const int MaxNameBytes = 4096;

    public ModelInfo Info { get; } = info;
    public IReadOnlyList<WeightTensor> Tensors { get; } = tensors;

    public WeightTensor? Find(string name) => Tensors.FirstOrDefault(t => t.Name == name);

    /// <summary>What makes the file unusable whatever its architecture (<see cref="ModelInfo.Problem"/>, a NaN or infinite weight), or null.</summary>
    public string? Problem()
    {
        if (Info.Problem() is { } problem) return problem;
        foreach (var t in Tensors)
            if (t.FirstNonFinite() is var at and >= 0)
                return $"weight tensor '{FileText.Escape(t.Name)}' holds {(float.IsNaN(t.Data[at]) ? "NaN" : t.Data[at] > 0 ? "Infinity" : "-Infinity")} at element {at}; weights must be finite";
        return null;
    }

    /// <summary>Writes through a temporary file next to <paramref name="path"/> and a rename (<see cref="OutputFile"/>), so a failure leaves nothing half-written.</summary>
    public void Write(string path)
    {
        var file = ToH5File();
        OutputFile.Write(path, stream => file.Write(stream));
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
            foreach (var name in group.Select(t => t.Name[(group.Key.Length + 1)..]).Prepend(group.Key))
                if (System.Text.Encoding.UTF8.GetByteCount(name) > MaxNameBytes)
                    throw new WeightsException($"the name '{FileText.Escape(name)}' is {System.Text.Encoding.UTF8.GetByteCount(name):N0} bytes; HDF5 names here are at most {MaxNameBytes:N0}");
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
            using var guard = Hdf5Guard.Open(stream);
            var file = guard.File;
            var format = file.AttributeExists("format") ? guard.Attribute<string>(file, "format") : null;
            if (format != Format)
                throw new WeightsException($"{path}: not a DeepVis weights file (expected root attribute format=\"{Format}\"; convert .pth or Keras .h5 files with 'deepvis convert')");
            var version = guard.Attribute<int>(file, "version");
            if (version != Version)
                throw new WeightsException($"{path}: weights format version {version}, this DeepVis reads version {Version}");
            var classes = file.LinkExists("classes") ? guard.Read<string[]>(guard.Dataset(file, "classes")) : null;
            var info = new ModelInfo(
                guard.Attribute<string>(file, "arch"),
                guard.Attribute<int>(file, "input_channels"),
                guard.Attribute<float[]>(file, "mean"),
                guard.Attribute<float[]>(file, "std"),
                guard.Attribute<int>(file, "default_size"),
                guard.Attribute<int>(file, "class_count"),
                guard.Attribute<string>(file, "color_order"),
                guard.Attribute<float>(file, "input_range"),
                classes,
                file.AttributeExists("graph") ? guard.Attribute<string>(file, "graph") : null);
            if (info.Problem() is { } problem) throw new WeightsException($"{path}: {problem}");
            var tensors = new List<WeightTensor>();
            foreach (var child in guard.Children(file))
            {
                if (child is not IH5Group group) continue;
                foreach (var item in guard.Children(group))
                {
                    if (item is not IH5Dataset dataset) continue;
                    var data = guard.Read<float[]>(dataset);
                    tensors.Add(new WeightTensor($"{child.Name}.{item.Name}", Array.ConvertAll(dataset.Space.Dimensions, d => checked((int)d)), data));
                }
            }
            return new WeightsFile(info, tensors);
        }
        catch (WeightsException)
        {
            throw;
        }
        catch (UnsafeHdf5Exception e)
        {
            throw new WeightsException($"{path}: {e.Message}");
        }
        catch (OutOfMemoryException)
        {
            // PureHDF sizes some buffers by what the file's headers claim: a corrupt claim asks for more than an array holds.
            throw new WeightsException($"{path}: a size in the file is beyond what memory holds (a corrupt file?)");
        }
        catch (Exception e)
        {
            throw new WeightsException($"{path}: cannot read as a DeepVis HDF5 weights file ({FileText.Escape(FirstLine(e.Message))})");
        }
    }

    /// <summary>"features.0.weight" belongs to layer "features.0".</summary>
    private static string LayerOf(string name) => name[..name.LastIndexOf('.')];

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
