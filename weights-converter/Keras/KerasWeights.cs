using DeepVis.Nets.Weights;
using PureHDF;

namespace DeepVis.WeightsConverter;

/// <summary>
/// Reads Keras weight files (keras.applications' vgg16_weights_tf_dim_ordering_tf_kernels.h5 and
/// the like, written by save_weights; or a whole model saved with model.save, whose weights sit
/// under /model_weights): the root attribute layer_names lists the layers, each layer group's
/// attribute weight_names lists its arrays, stored at &lt;layer&gt;/&lt;weight name&gt;.
/// </summary>
public static class KerasWeights
{
    private static readonly byte[] Signature = [0x89, (byte)'H', (byte)'D', (byte)'F', (byte)'\r', (byte)'\n', 0x1a, (byte)'\n'];

    /// <summary>
    /// The layers that have weights, in layer_names order (weightless layers such as the input,
    /// pooling and flatten are left out), with their arrays raw as stored (float64 and float16
    /// converted to float32; no layout change).
    /// </summary>
    /// <exception cref="WeightsFormatException">not HDF5, truncated, or not Keras's layout</exception>
    public static IReadOnlyList<KerasLayer> Read(string path)
    {
        if (!IsHdf5(path))
            throw WeightsFormatException.For(path, "not an HDF5 file (expected Keras weights in HDF5)");
        try
        {
            using var stream = File.OpenRead(path);
            using var guard = Hdf5Guard.Open(stream);
            IH5Group root = guard.File;
            if (!root.AttributeExists("layer_names") && root.LinkExists("model_weights"))
                root = guard.Group(root, "model_weights");
            if (!root.AttributeExists("layer_names"))
                throw WeightsFormatException.For(path, "no layer_names attribute (expected Keras weights saved by save_weights or model.save)");
            var layers = new List<KerasLayer>();
            foreach (var layerName in Strings(guard, root, "layer_names"))
            {
                if (!root.LinkExists(layerName))
                    throw WeightsFormatException.For(path, $"layer {layerName} is listed in layer_names but has no group");
                var group = guard.Group(root, layerName);
                var names = group.AttributeExists("weight_names") ? Strings(guard, group, "weight_names") : [];
                if (names.Length == 0) continue;
                var weights = new List<WeightTensor>();
                foreach (var name in names)
                {
                    if (!group.LinkExists(name))
                        throw WeightsFormatException.For(path, $"weight {layerName}/{name} is listed in weight_names but missing");
                    weights.Add(ReadArray(path, name, guard, guard.Dataset(group, name)));
                }
                layers.Add(new KerasLayer(layerName, weights));
            }
            return layers;
        }
        catch (WeightsFormatException)
        {
            throw;
        }
        catch (UnsafeHdf5Exception e)
        {
            throw WeightsFormatException.For(path, e.Message, e);
        }
        catch (OutOfMemoryException e)
        {
            // PureHDF sizes some buffers by what the file's headers claim: a corrupt claim asks for more than an array holds.
            throw WeightsFormatException.For(path, "a size in the file is beyond what memory holds (a corrupt file?)", e);
        }
        catch (Exception e)
        {
            throw WeightsFormatException.For(path, $"cannot read as Keras HDF5 weights, truncated or corrupt? ({WeightsFormatException.OneLine(e.Message)})", e);
        }
    }

    private static WeightTensor ReadArray(string path, string name, Hdf5Guard guard, IH5Dataset dataset)
    {
        var shape = Array.ConvertAll(dataset.Space.Dimensions, d => checked((int)d));
        if (dataset.Type.Class != H5DataTypeClass.FloatingPoint)
            throw WeightsFormatException.For(path, $"weight {name} is {dataset.Type.Class}, expected floating point");
        var data = dataset.Type.Size switch
        {
            4 => guard.Read<float[]>(dataset),
            8 => Array.ConvertAll(guard.Read<double[]>(dataset), v => (float)v),
            2 => Array.ConvertAll(guard.Read<Half[]>(dataset), v => (float)v),
            var size => throw WeightsFormatException.For(path, $"weight {name} has {size}-byte floats, expected 2, 4 or 8"),
        };
        var count = shape.Aggregate(1L, (a, b) => a * b);
        if (data.Length != count)
            throw WeightsFormatException.For(path, $"weight {name} has {data.Length} values for shape [{string.Join(", ", shape)}]");
        return new WeightTensor(name, shape, data);
    }

    /// <summary>A string-array attribute (fixed-length bytes as h5py writes them, or variable-length).</summary>
    private static string[] Strings(Hdf5Guard guard, IH5Object owner, string attribute)
    {
        var a = owner.Attribute(attribute);
        if (a.Space.Dimensions.Length > 0 && a.Space.Dimensions.Aggregate(1UL, (x, y) => x * y) == 0) return [];
        if (a.Space.Dimensions.Length == 0) return [guard.Attribute<string>(owner, attribute).TrimEnd('\0')];
        return Array.ConvertAll(guard.Attribute<string[]>(owner, attribute), s => s.TrimEnd('\0'));
    }

    /// <summary>The HDF5 superblock signature sits at byte 0, 512, 1024, 2048, ...</summary>
    private static bool IsHdf5(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            var buffer = new byte[Signature.Length];
            for (long at = 0; at + Signature.Length <= file.Length; at = at == 0 ? 512 : at * 2)
            {
                file.Position = at;
                file.ReadExactly(buffer);
                if (buffer.AsSpan().SequenceEqual(Signature)) return true;
            }
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw WeightsFormatException.For(path, $"cannot open ({e.Message})", e);
        }
    }
}
