using DeepVis.WeightsConverter.Pickle;

namespace DeepVis.WeightsConverter.Torch;

/// <summary>
/// The only globals a state-dict pickle may name. Nothing else is looked up or run: a pickled
/// module, optimizer or any other class is refused with its name.
/// </summary>
internal static class TorchGlobals
{
    public static PickleGlobal Find(string module, string name) => (module, name) switch
    {
        ("collections", "OrderedDict") => new(module, name, _ => new PickleDict()),
        ("torch._utils", "_rebuild_tensor") => new(module, name, args => Rebuild(args, module, name)),
        ("torch._utils", "_rebuild_tensor_v2") => new(module, name, args => Rebuild(args, module, name)),
        // (data, requires_grad, backward_hooks[, state]): a Parameter is its data here.
        ("torch._utils", "_rebuild_parameter") or ("torch._utils", "_rebuild_parameter_with_state") =>
            new(module, name, args => args.Length >= 1 && args[0] is TensorRef t
                ? t : throw new PickleException($"{module}.{name} without a tensor")),
        ("torch", _) when StorageType.TryGet(name, out _) => new(module, name),
        _ => throw new PickleException(
            $"unsupported global {module}.{name} (a state dict holds only tensors; save model.state_dict(), not the model)"),
    };

    /// <summary>_rebuild_tensor(storage, offset, size, stride) and _v2(..., requires_grad, hooks[, metadata]).</summary>
    private static TensorRef Rebuild(object?[] args, string module, string name)
    {
        if (args.Length < 4 || args[0] is not StorageRef storage)
            throw new PickleException($"{module}.{name} with unexpected arguments");
        var offset = StorageRef.ToLong(args[1], "tensor storage offset");
        var shape = Ints(args[2], "tensor size");
        var stride = Ints(args[3], "tensor stride");
        if (shape.Length != stride.Length)
            throw new PickleException($"tensor size has {shape.Length} dimensions, its stride {stride.Length}");
        return new TensorRef(storage, offset, Array.ConvertAll(shape, d => checked((int)d)), stride);
    }

    private static long[] Ints(object? value, string what) => value switch
    {
        PickleTuple t => Array.ConvertAll(t.Items, v => StorageRef.ToLong(v, what)),
        long v => [v],
        _ => throw new PickleException($"{what} is {Unpickler.Describe(value)}, not a tuple"),
    };
}
