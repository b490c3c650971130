using DeepVis.WeightsConverter.Pickle;

namespace DeepVis.WeightsConverter.Torch;

/// <summary>
/// A storage as a persistent id names it: ('storage', torch.XStorage, key, location, size[,
/// (view_key, offset, view_size)]). A view (legacy files only) is <see cref="Length"/> elements
/// of the root storage <see cref="Key"/> starting at <see cref="Offset"/>.
/// </summary>
internal sealed record StorageRef(string Key, StorageType Type, long Size, long Offset, long Length)
{
    public static StorageRef FromPersistentId(object? pid)
    {
        if (pid is not PickleTuple { Count: >= 5 } t || t[0] is not string kind
            || !kind.Equals("storage", StringComparison.OrdinalIgnoreCase))
            throw new PickleException($"unexpected persistent id {Unpickler.Describe(pid)} (expected ('storage', type, key, location, size))");
        if (t[1] is not PickleGlobal { Module: "torch" } typeGlobal || !StorageType.TryGet(typeGlobal.Name, out var type))
            throw new PickleException($"unsupported storage type {Unpickler.Describe(t[1])}");
        var key = t[2]?.ToString() ?? throw new PickleException("a storage without a key");
        var size = ToLong(t[4], "storage size");
        if (t.Count > 5 && t[5] is PickleTuple { Count: 3 } view)
        {
            var offset = ToLong(view[1], "storage view offset");
            var length = ToLong(view[2], "storage view size");
            if (offset < 0 || length < 0 || offset > size - length)
                throw new PickleException($"storage view {offset}..{offset + length} outside storage {key} of {size} elements");
            return new StorageRef(key, type, size, offset, length);
        }
        return new StorageRef(key, type, size, 0, size);
    }

    internal static long ToLong(object? value, string what) =>
        value is long v ? v : throw new PickleException($"{what} is {Unpickler.Describe(value)}, not an integer");
}

/// <summary>A tensor as torch._utils._rebuild_tensor(_v2) describes it: a strided view of a storage.</summary>
internal sealed record TensorRef(StorageRef Storage, long Offset, int[] Shape, long[] Stride)
{
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>
    /// The tensor's elements, row-major and contiguous, from its root storage's elements
    /// (<paramref name="root"/>). <paramref name="mayReuse"/>: the storage array itself may be
    /// returned when the tensor covers all of it in order.
    /// </summary>
    public float[] Materialize(float[] root, bool mayReuse)
    {
        if (Shape.Any(d => d < 0)) throw new InvalidDataException($"negative dimension in shape [{string.Join(", ", Shape)}]");
        if (Shape.Aggregate(1.0, (a, b) => a * b) > Array.MaxLength) throw new InvalidDataException($"shape [{string.Join(", ", Shape)}] is too large");
        if (Offset < 0 || Stride.Any(s => s < 0) || Stride.Length != Shape.Length)
            throw new InvalidDataException("negative storage offset or stride, or a stride per dimension missing");
        var start = Storage.Offset + Offset;
        var count = Count;
        if (count == 0) return [];
        long last;
        try
        {
            last = checked(start + Shape.Select((size, d) => checked((size - 1) * Stride[d])).Aggregate(0L, (a, b) => checked(a + b)));
        }
        catch (OverflowException)
        {
            throw new InvalidDataException($"offset {Offset} and stride ({string.Join(", ", Stride)}) overflow");
        }
        if (last >= Storage.Offset + Storage.Length || last >= root.Length)
            throw new InvalidDataException(
                $"shape [{string.Join(", ", Shape)}] with stride ({string.Join(", ", Stride)}) and offset {Offset} reads past the end of storage {Storage.Key} ({Math.Min(Storage.Length, root.Length - Storage.Offset)} elements)");

        if (IsContiguous())
        {
            if (mayReuse && start == 0 && count == root.Length) return root;
            var copy = new float[count];
            Array.Copy(root, start, copy, 0, count);
            return copy;
        }
        var data = new float[count];
        var index = new int[Shape.Length];
        var source = start;
        for (long i = 0; i < count; i++)
        {
            data[i] = root[source];
            // Odometer over the indices, last axis fastest.
            for (var d = Shape.Length - 1; d >= 0; d--)
            {
                if (++index[d] < Shape[d])
                {
                    source += Stride[d];
                    break;
                }
                source -= (long)(Shape[d] - 1) * Stride[d];
                index[d] = 0;
            }
        }
        return data;
    }

    private bool IsContiguous()
    {
        long expected = 1;
        for (var d = Shape.Length - 1; d >= 0; d--)
        {
            if (Shape[d] != 1 && Stride[d] != expected) return false;
            expected *= Shape[d];
        }
        return true;
    }
}
