using DeepVis.Nets.Onnx;
using DeepVis.Nets.Zoo;

namespace DeepVis.Ops;

/// <summary>Maps one ONNX node (its inputs already resolved) to drafts of stored-graph nodes.</summary>
internal delegate void OnnxMapping(OnnxOps ops, Value?[] inputs);

/// <summary>
/// One stored-graph op name: the attributes it takes (for documentation and refusals) and how a node
/// becomes a layer spec, every attribute validated by <see cref="OpNode"/> before anything is allocated.
/// </summary>
internal sealed record StoredForm(string Attributes, Func<OpNode, LayerSpec> Spec);

/// <summary>
/// Everything the engine needs to know about one graph op, declared once in the op's folder
/// (<c>src/Nets/Ops/&lt;Op&gt;/&lt;Op&gt;Op.cs</c>) and listed in <see cref="OpRegistry"/>.
/// </summary>
/// <param name="Name">The op's folder and its name in listings.</param>
/// <param name="Kernels">
/// The static classes that compute it (forward and backward on every implementation), or the
/// element-wise function structs it runs through <see cref="Kernels.Unary.UnaryKernels"/>. Tests find each
/// one's <c>&lt;Class&gt;Tests</c> (with <c>OnCpu</c> and <c>OnIlgpu</c>) and <c>&lt;Class&gt;Reference</c> by name,
/// and <c>PtxCompileTests</c> compiles their <c>*Kernel</c> methods (a function's: the generic pair closed over it).
/// </param>
/// <param name="Layer">The graph-layer type, or null for an op that is dropped from graphs (a final Softmax).</param>
internal sealed record Op(string Name, IReadOnlyList<Type> Kernels, Type? Layer)
{
    /// <summary>The stored-graph op names this op answers to, each with its attributes and spec builder.</summary>
    public IReadOnlyDictionary<string, StoredForm> Stored { get; init; } = new Dictionary<string, StoredForm>();

    /// <summary>The ONNX op types this op imports, each with its mapping method (<c>&lt;Op&gt;.Onnx.cs</c>).</summary>
    public IReadOnlyDictionary<string, OnnxMapping> Onnx { get; init; } = new Dictionary<string, OnnxMapping>();

    /// <summary>
    /// Per ONNX op type, what it accepts or refuses beyond its attributes' names (values, inputs that must
    /// be constant), one line each, for docs/ops.md; the attribute names themselves are read from the mapping.
    /// </summary>
    public IReadOnlyDictionary<string, string> OnnxNotes { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// True when the op only moves memory (tensor copies: Dropout at inference, Flatten) and so has no
    /// ILGPU kernel of its own to compile.
    /// </summary>
    public bool CopiesOnly { get; init; }
}
