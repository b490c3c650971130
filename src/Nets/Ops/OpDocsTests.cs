using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using DeepVis.Nets.Onnx;
using DeepVis.Nets.Weights;
using DeepVis.Ops;
using DeepVis.Tests.Support;
using Onnx;

namespace DeepVis.Tests.Nets;

/// <summary>
/// docs/ops.md is generated from the op registry: every op with its stored names and their attributes
/// (with the ranges checked at load), and its ONNX op types with the attributes each mapping accepts,
/// read from the mapping itself by offering it an attribute no op has, at every opset, and the notes the
/// op declares on values. The committed file must be what the registry says.
/// </summary>
public sealed partial class OpDocsTests
{
    private const string Document = "docs/ops.md";

    /// <summary>Set to 1 to rewrite the document from the registry (then review and commit its diff).</summary>
    private const string AcceptVariable = "DEEPVIS_ACCEPT_OPS";

    /// <summary>The opsets whose attribute sets the document lists (PyTorch exports 7 to 17; Gelu came in 20).</summary>
    private const int FirstOpset = 6, LastOpset = 20;

    private const string Probe = "deepvis_probe";

    [GeneratedRegex(@"^attribute 'deepvis_probe' is not supported; \S+ takes (.+)$")]
    private static partial Regex Refusal();

    [GeneratedRegex(@"attribute '[^']+' has \d+ values?, expected (\d+);")]
    private static partial Regex CountRefusal();

    [GeneratedRegex(@"attribute '[^']+' is [^;]*; expected (.+)$")]
    private static partial Regex ValueRefusal();

    [Fact]
    public void The_committed_document_is_the_one_the_registry_generates()
    {
        var current = Generate();
        var path = Fixtures.Repo(Document);
        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1") File.WriteAllText(path, current);
        var committed = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : "";
        var (left, right) = (committed.Split('\n'), current.Split('\n'));
        var line = 0;
        while (line < left.Length && line < right.Length && left[line] == right[line]) line++;
        Assert.True(committed == current,
            $"{Document} is not what the op registry generates (first difference at line {line + 1}). Run " +
            $"'{AcceptVariable}=1 dotnet test --filter-class DeepVis.Tests.Nets.OpDocsTests' and commit the file.");
    }

    [Fact]
    public void The_document_covers_every_op_stored_name_and_onnx_type_with_the_attributes_the_mappings_accept()
    {
        var document = Generate();
        foreach (var op in OpRegistry.All)
        {
            Assert.Contains($"\n## {op.Name}\n", document);
            foreach (var (stored, form) in op.Stored) Assert.Contains($"- stored `{stored}`: {(form.Attributes.Length == 0 ? "no attributes" : form.Attributes)}", document);
            foreach (var type in op.Onnx.Keys) Assert.Contains($"- ONNX `{type}`", document);
        }
        // The probe reads what the mappings say, opset by opset.
        Assert.Contains("- ONNX `Clip`: opsets 6-10: min, max; opsets 11-20: no attributes", document);
        // The ranges come from the ops' own checks.
        Assert.Contains("  - `kernel`: 2 values, whole numbers from 1 to 4096\n", document);
        Assert.Contains("  - `approximate`: a whole number from 0 to 1\n", document);
        Assert.Contains("- ONNX `Gelu`: opsets 6-20: approximate. approximate: none (the default) or tanh; any other value is refused", document);
    }

    /// <summary>The attributes the mapping of <paramref name="type"/> accepts at <paramref name="opset"/>, as its refusal of any other lists them, or null where it does not say.</summary>
    private static string? AcceptedAttributes(string type, int opset)
    {
        var graph = new GraphProto { Name = "probe" };
        var node = new NodeProto { OpType = type, Name = "probe" };
        node.Input.Add("x");
        node.Output.Add("y");
        node.Attribute.Add(new AttributeProto { Name = Probe, Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        graph.Node.Add(node);
        graph.Output.Add(new ValueInfoProto { Name = "y" });
        var ops = new OnnxOps(graph, "x", 1, [4, 8, 8], new Dictionary<string, OnnxConstant>(), opset, ".");
        try
        {
            ops.Map(node);
        }
        catch (OnnxException e) when (Refusal().Match(e.Message) is { Success: true } m)
        {
            return m.Groups[1].Value;
        }
        catch (OnnxException)
        {
        }
        return null;
    }

    /// <summary>
    /// The attribute names a stored form's description lists: the first word of each item at the top level
    /// ("kernel [kh, kw], stride [sh, sw]"), leaving out parenthesized items, which name tensors.
    /// </summary>
    private static IEnumerable<string> StoredAttributeNames(string description)
    {
        var (depth, start) = (0, 0);
        var items = new List<string>();
        for (var i = 0; i <= description.Length; i++)
        {
            if (i == description.Length || (depth == 0 && description[i] == ','))
            {
                items.Add(description[start..i].Trim());
                start = i + 1;
            }
            else if (description[i] is '[' or '(') depth++;
            else if (description[i] is ']' or ')') depth--;
        }
        return items.Where(item => item.Length > 0 && char.IsAsciiLetterLower(item[0])).Select(item => item.Split(' ')[0]);
    }

    /// <summary>
    /// What a stored attribute accepts, as the op's own check says when offered NaN (which every check
    /// refuses) in the sample node of its folder, with as many values as the op reads.
    /// </summary>
    private static string StoredRange(string stored, string attribute)
    {
        var sample = OpSample.For(stored).Node;
        var form = OpRegistry.Stored[stored];
        string? Offer(int count)
        {
            var attributes = new Dictionary<string, double[]>(sample.Attributes ?? new Dictionary<string, double[]>())
            {
                [attribute] = [.. Enumerable.Repeat(double.NaN, count)],
            };
            try
            {
                form.Spec(new OpNode(sample with { Attributes = attributes }, "probe", form));
                return null;
            }
            catch (WeightsException e)
            {
                return e.Message;
            }
        }
        var refusal = Offer(1);
        var count = refusal is not null && CountRefusal().Match(refusal) is { Success: true } c ? int.Parse(c.Groups[1].Value, CultureInfo.InvariantCulture) : 1;
        if (count != 1) refusal = Offer(count);
        var expected = refusal is not null && ValueRefusal().Match(refusal) is { Success: true } v ? v.Groups[1].Value : "any number";
        return count == 1 ? expected : $"{count} values, {expected}";
    }

    /// <summary>"opsets 6-10: min, max; opsets 11-20: no attributes", consecutive opsets with the same set joined.</summary>
    private static string AttributesByOpset(string type)
    {
        var runs = new List<(int First, int Last, string? Accepted)>();
        for (var opset = FirstOpset; opset <= LastOpset; opset++)
        {
            var accepted = AcceptedAttributes(type, opset);
            if (runs.Count > 0 && runs[^1].Accepted == accepted) runs[^1] = runs[^1] with { Last = opset };
            else runs.Add((opset, opset, accepted));
        }
        return string.Join("; ", runs.Select(r => $"opsets {r.First}-{r.Last}: {r.Accepted ?? "(the mapping checks its inputs before its attributes)"}"));
    }

    private static string Generate()
    {
        var text = new StringBuilder();
        text.Append($"""
            # Ops

            Generated from the op registry (`src/Nets/Ops/OpRegistry.cs`) by `OpDocsTests`; do not edit it by hand.
            After changing an op, run `{AcceptVariable}=1 dotnet test --filter-class DeepVis.Tests.Nets.OpDocsTests`
            and commit the result.

            Each op lists its stored names (the `op` of a node in a weights file's graph, `docs/weights-format.md`)
            with their attributes: each value is checked at load against the range shown, and a value out of range
            or an attribute the op does not take is refused in one line naming the node, the attribute and the
            value. Then the ONNX op types it imports, with the attributes each mapping accepts at each opset
            ({FirstOpset} to {LastOpset}; any other attribute is refused in one line naming it), checked against
            the same ranges, and what else the mapping accepts or refuses. An ONNX op type not listed here is
            refused, except those folded when all their inputs are constants (listed at the end).

            """.Replace("\r\n", "\n"));
        foreach (var op in OpRegistry.All)
        {
            text.Append($"\n## {op.Name}\n\n");
            foreach (var (stored, form) in op.Stored)
            {
                text.Append($"- stored `{stored}`: {(form.Attributes.Length == 0 ? "no attributes" : form.Attributes)}\n");
                foreach (var attribute in StoredAttributeNames(form.Attributes)) text.Append($"  - `{attribute}`: {StoredRange(stored, attribute)}\n");
            }
            if (op.Layer is null) text.Append("- not a layer: dropped where it ends a graph\n");
            foreach (var type in op.Onnx.Keys)
            {
                text.Append($"- ONNX `{type}`: {AttributesByOpset(type)}");
                if (op.OnnxNotes.TryGetValue(type, out var note)) text.Append($". {note}");
                text.Append('\n');
            }
        }
        var folded = ConstantFolding.Ops.Where(type => !OpRegistry.Onnx.ContainsKey(type));
        text.Append($"\n## Folded on constants\n\n{string.Join(", ", folded.Select(t => $"`{t}`"))}: evaluated while importing when every input is a constant (shape computations, constant weights); on a computed value, refused.\n");
        return text.ToString();
    }
}
