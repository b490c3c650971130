using DeepVis.Nets.Weights;
using DeepVis.WeightsConverter.Pickle;

namespace DeepVis.WeightsConverter.Torch;

/// <summary>Turns an unpickled state dict (name -> TensorRef) into <see cref="WeightTensor"/>s.</summary>
internal static class StateDict
{
    /// <param name="storageData">a storage's root elements as float32, or null for a non-float storage</param>
    public static IReadOnlyList<WeightTensor> Collect(string path, object? root, Func<StorageRef, float[]?> storageData)
    {
        var dict = Unwrap(path, root);
        var tensors = new List<WeightTensor>();
        var handedOut = new HashSet<float[]>(ReferenceEqualityComparer.Instance);
        var names = new HashSet<string>();
        foreach (var (key, value) in dict.Entries)
        {
            if (value is not TensorRef tensor) continue; // e.g. a nested _metadata dict or a plain number
            if (key is not string name)
                throw WeightsFormatException.For(path, $"a tensor's key is {Unpickler.Describe(key)}, not a name (expected a state dict of parameter names)");
            if (!names.Add(name)) throw WeightsFormatException.For(path, $"tensor {name} appears twice");
            var storage = storageData(tensor.Storage);
            if (storage is null) continue; // integer tensors (BatchNorm's num_batches_tracked): skipped
            float[] data;
            try
            {
                data = tensor.Materialize(storage, mayReuse: !handedOut.Contains(storage));
            }
            catch (InvalidDataException e)
            {
                throw WeightsFormatException.For(path, $"tensor {name}: {e.Message}", e);
            }
            if (ReferenceEquals(data, storage)) handedOut.Add(storage);
            tensors.Add(new WeightTensor(name, tensor.Shape, data));
        }
        if (tensors.Count == 0)
            throw WeightsFormatException.For(path, "no floating-point tensors in the checkpoint (expected a state dict)");
        return tensors;
    }

    /// <summary>The state dict itself, or the one a training checkpoint keeps under "state_dict" / "model".</summary>
    private static PickleDict Unwrap(string path, object? root)
    {
        if (root is not PickleDict dict)
            throw WeightsFormatException.For(path, $"the checkpoint holds {Unpickler.Describe(root)} (expected a state dict)");
        if (dict.Entries.Any(e => e.Value is TensorRef)) return dict;
        foreach (var key in new[] { "state_dict", "model", "model_state_dict" })
            if (dict.TryGet(key, out var inner) && inner is PickleDict nested && nested.Entries.Any(e => e.Value is TensorRef))
                return nested;
        return dict;
    }
}
