namespace DeepVis.WeightsConverter.Pickle;

// The values an unpickled stream is made of. Python scalars map to C# ones: None -> null,
// bool -> bool, int -> long (or BigInteger when it does not fit), float -> double,
// str -> string (BINSTRING is decoded as Latin-1, as torch.load does for Python 2 pickles),
// bytes -> byte[], list -> List<object?>; tuples and dicts have their own types below.

/// <summary>A Python tuple.</summary>
internal sealed class PickleTuple(object?[] items)
{
    public object?[] Items { get; } = items;

    public int Count => Items.Length;

    public object? this[int index] => Items[index];
}

/// <summary>A Python dict or OrderedDict: entries in insertion order (a key set again keeps its place).</summary>
internal sealed class PickleDict
{
    private readonly List<KeyValuePair<object?, object?>> _entries = [];
    private readonly Dictionary<object, int> _index = [];

    public IReadOnlyList<KeyValuePair<object?, object?>> Entries => _entries;

    public void Set(object? key, object? value)
    {
        // Strings and numbers compare by value as in Python; other keys (tuples...) by reference.
        var slot = key ?? NullKey;
        if (_index.TryGetValue(slot, out var i))
        {
            _entries[i] = new(key, value);
            return;
        }
        _index[slot] = _entries.Count;
        _entries.Add(new(key, value));
    }

    public bool TryGet(string key, out object? value)
    {
        if (_index.TryGetValue(key, out var i))
        {
            value = _entries[i].Value;
            return true;
        }
        value = null;
        return false;
    }

    private static readonly object NullKey = new();
}

/// <summary>
/// A global (module.name) the resolver allowed. <see cref="Invoke"/> is what REDUCE / NEWOBJ
/// call; a global without it (a storage type, say) can only be passed around as a value.
/// </summary>
internal sealed record PickleGlobal(string Module, string Name, Func<object?[], object?>? Invoke = null)
{
    public string FullName => $"{Module}.{Name}";

    public override string ToString() => FullName;
}
