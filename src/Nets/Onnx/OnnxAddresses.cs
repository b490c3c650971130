using DeepVis.Nets;

namespace DeepVis.Nets.Onnx;

/// <summary>
/// Addresses for imported nodes. PyTorch names a node by its module scope, <c>/layer4/layer4.1/relu_1/Relu</c>:
/// the address is the module path (<c>layer4.1.relu_1</c>) where the module made exactly one node, else
/// the path plus the op (<c>layer4.1.Add</c>); the one node through which a module's result leaves it
/// also answers to the module's path (<c>layer4.1</c>, <c>layer4</c>). Other exporters' node names are
/// used as they are, '/' replaced (addresses become HDF5 group names). Every node also answers to its
/// ONNX node name and output value name.
/// </summary>
internal static class OnnxAddresses
{
    public static string[] Assign(IReadOnlyList<Draft> drafts, IReadOnlySet<int> graphOutputs)
    {
        var scopes = drafts.Select(d => ModulePaths(d.Node.Name)).ToArray();
        var members = new Dictionary<string, List<int>>();
        for (var i = 0; i < drafts.Count; i++)
            foreach (var path in scopes[i]) (members.TryGetValue(path, out var list) ? list : members[path] = []).Add(i);

        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { Network.InputName };
        var addresses = new string[drafts.Count];
        for (var i = 0; i < drafts.Count; i++)
        {
            var name = drafts[i].Node.Name;
            string address;
            if (name.StartsWith('/'))
            {
                var scope = scopes[i].LastOrDefault() ?? "";
                var op = name[(name.LastIndexOf('/') + 1)..];
                address = scope.Length > 0 && members[scope].Count == 1 ? scope : scope.Length > 0 ? $"{scope}.{op}" : op;
            }
            else address = name.Length > 0 ? name : drafts[i].Node.Output.FirstOrDefault() is { Length: > 0 } output ? output : drafts[i].Node.OpType;
            address = address.Replace('/', '_') + drafts[i].Suffix;
            addresses[i] = Unique(address, taken);
        }

        var readers = drafts.Select(_ => new List<int>()).ToArray();
        for (var j = 0; j < drafts.Count; j++)
            foreach (var i in drafts[j].Inputs.Where(i => i >= 0)) readers[i].Add(j);
        foreach (var (path, list) in members)
        {
            var inside = list.ToHashSet();
            var exits = list.Where(i => graphOutputs.Contains(i) || readers[i].Any(j => !inside.Contains(j))).ToList();
            if (exits.Count == 1 && addresses[exits[0]] != path) drafts[exits[0]].Aliases.Add(path);
        }
        foreach (var (draft, i) in drafts.Select((d, i) => (d, i)))
            if (draft.Suffix.Length == 0) draft.Aliases.AddRange([draft.Node.Name, .. draft.Node.Output.Take(1)]);

        // An alias that is another node's address, or already someone's alias, would be ambiguous: the first keeps it.
        foreach (var (draft, i) in drafts.Select((d, i) => (d, i)))
        {
            var kept = draft.Aliases.Where(a => a.Length > 0 && a != addresses[i] && taken.Add(a)).Distinct().ToList();
            draft.Aliases.Clear();
            draft.Aliases.AddRange(kept);
        }
        return addresses;
    }

    private static string Unique(string address, HashSet<string> taken)
    {
        var unique = address;
        for (var k = 2; !taken.Add(unique); k++) unique = $"{address}_{k}";
        return unique;
    }

    /// <summary>
    /// The module paths a PyTorch scope name passes through: /layer2/layer2.0/downsample/downsample.0/Conv
    /// gives layer2, layer2.0, layer2.0.downsample, layer2.0.downsample.0 (a scope segment repeats its
    /// parent's name as a prefix where the parent is a container). Not a scope name: none.
    /// </summary>
    public static IReadOnlyList<string> ModulePaths(string name)
    {
        if (!name.StartsWith('/')) return [];
        var segments = name.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var paths = new List<string>();
        string path = "", last = "";
        foreach (var segment in segments.SkipLast(1))
        {
            path = last.Length > 0 && segment.StartsWith(last + ".", StringComparison.Ordinal) ? path + segment[last.Length..]
                : path.Length > 0 ? $"{path}.{segment}" : segment;
            last = segment;
            paths.Add(path);
        }
        return paths;
    }
}
