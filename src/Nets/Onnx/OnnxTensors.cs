using DeepVis.Nets.Files;
using Google.Protobuf;
using Onnx;

namespace DeepVis.Nets.Onnx;

/// <summary>
/// TensorProto to <see cref="OnnxConstant"/>: values in raw_data (little-endian), in the typed
/// fields (float_data, int64_data, ...), or in an external data file beside the model. Only float,
/// double and integer tensors are read; weights are float32 in DeepVis.
/// </summary>
internal static class OnnxTensors
{
    public static OnnxConstant Read(TensorProto tensor, string modelFolder)
    {
        var shape = tensor.Dims.Select(d => d is >= 0 and <= int.MaxValue ? (int)d : throw new OnnxException($"tensor '{tensor.Name}' has dimension {d}")).ToArray();
        var count = shape.Aggregate(1L, (a, b) => a * b);
        if (count > int.MaxValue) throw new OnnxException($"tensor '{tensor.Name}' has {count} elements, more than DeepVis holds in one tensor");
        var raw = tensor.DataLocation == TensorProto.Types.DataLocation.External ? External(tensor, modelFolder)
            : tensor.HasRawData ? tensor.RawData.Span.ToArray() : null;
        var type = (TensorProto.Types.DataType)tensor.DataType;
        OnnxConstant result = type switch
        {
            TensorProto.Types.DataType.Float => OnnxConstant.Of(raw is null ? [.. tensor.FloatData] : Raw<float>(raw, tensor), shape),
            TensorProto.Types.DataType.Double => OnnxConstant.Of(
                [.. (raw is null ? [.. tensor.DoubleData] : Raw<double>(raw, tensor)).Select(d => (float)d)], shape),
            TensorProto.Types.DataType.Int64 => OnnxConstant.Of(
                [.. (raw is null ? [.. tensor.Int64Data] : Raw<long>(raw, tensor)).Select(v => (long?)v)], shape),
            TensorProto.Types.DataType.Int32 => OnnxConstant.Of(
                [.. (raw is null ? [.. tensor.Int32Data] : Raw<int>(raw, tensor)).Select(v => (long?)v)], shape),
            // Switches such as Dropout's training_mode: one byte each in raw data, else in int32_data.
            TensorProto.Types.DataType.Bool => OnnxConstant.Of(
                [.. (raw is null ? [.. tensor.Int32Data] : raw.Select(b => (int)b)).Select(v => (long?)v)], shape),
            _ => throw new OnnxException($"tensor '{tensor.Name}' has data type {type}; DeepVis reads FLOAT, DOUBLE, INT64, INT32 and BOOL tensors"),
        };
        if (result.Count != count)
            throw new OnnxException($"tensor '{tensor.Name}' holds {result.Count} values for shape [{string.Join(", ", shape)}] (a truncated or corrupt file)");
        return result;
    }

    private static T[] Raw<T>(byte[] raw, TensorProto tensor) where T : unmanaged
    {
        var size = System.Runtime.InteropServices.Marshal.SizeOf<T>();
        if (raw.Length % size != 0) throw new OnnxException($"tensor '{tensor.Name}' has {raw.Length} bytes of raw data, not a whole number of values");
        // ONNX stores raw data little-endian, as .NET lays it out on every platform it runs DeepVis on.
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(raw).ToArray();
    }

    /// <summary>The bytes of an external tensor: a file named relative to the model's folder, never outside it.</summary>
    private static byte[] External(TensorProto tensor, string modelFolder)
    {
        var entries = tensor.ExternalData.ToDictionary(e => e.Key, e => e.Value);
        if (!entries.TryGetValue("location", out var location) || location.Length == 0)
            throw new OnnxException($"tensor '{tensor.Name}' is stored externally but names no location");
        // Real paths: a link among the folders (sub -> /etc) or at the end must not lead out of the model's folder.
        var folder = RealPath.Of(modelFolder);
        var path = Path.Combine(modelFolder, location);
        if (Path.IsPathRooted(location) || !RealPath.IsInside(Path.GetFullPath(path), Path.GetFullPath(modelFolder)))
            throw new OnnxException($"tensor '{tensor.Name}' names external data '{location}' outside the model's folder; DeepVis reads only files beside the model");
        if (!File.Exists(path)) throw new OnnxException($"tensor '{tensor.Name}': external data file '{location}' does not exist beside the model");
        var real = RealPath.Of(path);
        if (!RealPath.IsInside(real, folder) || real == folder)
            throw new OnnxException($"tensor '{tensor.Name}' names external data '{location}', a link to a file outside the model's folder (it leads to {real}); DeepVis reads only files beside the model");
        // Only a regular file: a FIFO or a device would block or never end.
        if (!RealPath.IsRegularFile(real))
            throw new OnnxException($"tensor '{tensor.Name}': external data '{location}' is not a regular file");
        long Number(string key, long fallback) =>
            !entries.TryGetValue(key, out var text) ? fallback
            : long.TryParse(text, out var n) && n >= 0 ? n : throw new OnnxException($"tensor '{tensor.Name}': external data {key} '{text}' is not a byte count");
        using var stream = File.OpenRead(real);
        var offset = Number("offset", 0);
        var length = Number("length", stream.Length - offset);
        if (offset + length > stream.Length || length > int.MaxValue)
            throw new OnnxException($"tensor '{tensor.Name}': external data '{location}' has {stream.Length} bytes, the tensor needs {offset + length} (a truncated file)");
        var bytes = new byte[length];
        stream.Position = offset;
        stream.ReadExactly(bytes);
        return bytes;
    }
}
