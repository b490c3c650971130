using System.Reflection;
using System.Runtime.CompilerServices;
using DeepVis.Nets.Files;
using PureHDF;
using PureHDF.VOL.Native;

namespace DeepVis.Nets.Weights;

/// <summary>
/// Reading an HDF5 file that may be hostile with PureHDF: only the file itself is read. A dataset
/// whose values live in other files (external storage, a virtual dataset), a link into another file
/// and a link that does not resolve (dangling, or a soft-link cycle, which PureHDF would follow until
/// the stack overflows) are refused with one line. Both HDF5 readers (ours and Keras's) open files
/// here (after <see cref="Hdf5Preflight"/> has checked the sizes its blocks claim) and reach every group and dataset through <see cref="Children"/>, <see cref="Group"/>,
/// <see cref="Dataset"/> and <see cref="Read{T}"/>. A dataset that claims more values than the file
/// could hold is refused before anything is allocated.
/// </summary>
public sealed class Hdf5Guard : IDisposable
{
    /// <summary>Deflate, the strongest filter PureHDF decodes, expands at most 1032 times.</summary>
    private const long MaxExpansion = 1032;

    // PureHDF 2.2.0 says neither which file an object came from nor whether a dataset's storage is
    // external in its public API; these are its own fields for that. Missing ones fail at first use,
    // which every reader test reaches, rather than silently letting such files through.
    private static readonly PropertyInfo ContextProperty = typeof(NativeObject).GetProperty("Context", BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new MissingMemberException(nameof(NativeObject), "Context");
    private static readonly PropertyInfo ExternalFilesProperty = typeof(NativeDataset).GetProperty("InternalExternalFileList", BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new MissingMemberException(nameof(NativeDataset), "InternalExternalFileList");

    private static readonly PropertyInfo HeaderProperty = typeof(NativeObject).GetProperty("Header", BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new MissingMemberException(nameof(NativeObject), "Header");
    private static readonly MethodInfo DenseLinksMethod = typeof(NativeGroup).GetMethod("EnumerateLinkMessagesFromLinkInfoMessage", BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new MissingMemberException(nameof(NativeGroup), "EnumerateLinkMessagesFromLinkInfoMessage");

    private readonly long _length;

    private Hdf5Guard(Stream stream)
    {
        _length = stream.Length;
        Hdf5Preflight.Check(stream);
        File = H5File.Open(new DepthLimitedStream(stream), leaveOpen: true);
    }

    /// <summary>The file's root group.</summary>
    public NativeFile File { get; }

    /// <summary>Opens <paramref name="stream"/> (left open) so that a link cycle ends in an unresolved link instead of a stack overflow.</summary>
    public static Hdf5Guard Open(Stream stream) => new(stream);

    /// <summary>The objects linked from <paramref name="group"/>, each refused unless it is in this file.</summary>
    public IEnumerable<IH5Object> Children(IH5Group group) => NoExternalLinks(group).Children().Select(c => Local(c, c.Name));

    /// <summary>The group <paramref name="name"/> under <paramref name="parent"/>, in this file.</summary>
    public IH5Group Group(IH5Group parent, string name) =>
        Local(NoExternalLinks(parent).Get(name), name) as IH5Group ?? throw new UnsafeHdf5Exception($"'{FileText.Escape(name)}' is not a group");

    /// <summary>The dataset <paramref name="name"/> under <paramref name="parent"/>, in this file.</summary>
    public IH5Dataset Dataset(IH5Group parent, string name) =>
        Local(NoExternalLinks(parent).Get(name), name) as IH5Dataset ?? throw new UnsafeHdf5Exception($"'{FileText.Escape(name)}' is not a dataset");

    /// <summary>Reads the attribute <paramref name="name"/> of <paramref name="owner"/>, refused when it claims more bytes than the file holds.</summary>
    public T Attribute<T>(IH5Object owner, string name)
    {
        var attribute = owner.Attribute(name);
        Fits($"attribute '{FileText.Escape(name)}'", attribute.Type.Size, attribute.Space.Dimensions, _length);
        return attribute.Read<T>();
    }

    /// <summary>Reads a dataset whose values are stored in this file and fit in it.</summary>
    public T Read<T>(IH5Dataset dataset)
    {
        if (dataset.Layout.Class == H5DataLayoutClass.VirtualStorage)
            throw new UnsafeHdf5Exception($"dataset '{FileText.Escape(dataset.Name)}' is a virtual dataset (its values are in other files), which is refused");
        if (dataset is NativeDataset native && ExternalFilesProperty.GetValue(native) is not null)
            throw new UnsafeHdf5Exception($"dataset '{FileText.Escape(dataset.Name)}' keeps its values in external files, which is refused");
        Fits($"dataset '{FileText.Escape(dataset.Name)}'", dataset.Type.Size, dataset.Space.Dimensions,
            dataset.Layout.Class == H5DataLayoutClass.Chunked ? (double)_length * MaxExpansion : _length);
        return dataset.Read<T>();
    }

    private void Fits(string what, long size, ulong[] dimensions, double room)
    {
        var bytes = (double)size;
        foreach (var d in dimensions) bytes *= d;
        if (bytes > room || bytes > Array.MaxLength)
            throw new UnsafeHdf5Exception($"{what} claims {bytes:G3} bytes [{string.Join(", ", dimensions)}], more than a {_length:N0}-byte file holds");
    }

    public void Dispose() => File.Dispose();

    /// <summary>
    /// Refuses a group that holds an external link before PureHDF resolves it: resolving opens the
    /// named file, anywhere on the machine, and opening a FIFO or a device blocks or reads without end.
    /// The links are read from the group's header messages (compact storage) or its link index (dense
    /// storage), which name their target without opening it.
    /// </summary>
    private static IH5Group NoExternalLinks(IH5Group group)
    {
        if (group is not NativeGroup native) return group;
        foreach (var message in ((System.Collections.IEnumerable)Member(HeaderProperty.GetValue(native)!, "HeaderMessages")).Cast<object>().Select(m => Member(m, "Data")))
        {
            var links = message.GetType().Name switch
            {
                "LinkMessage" => [message],
                "LinkInfoMessage" when (ulong)Member(message, "BTree2NameIndexAddress") is not (ulong.MaxValue or uint.MaxValue) =>
                    ((System.Collections.IEnumerable)DenseLinksMethod.Invoke(native, [message])!).Cast<object>(),
                _ => [],
            };
            foreach (var link in links)
                if (Member(link, "LinkInfo") is { } info && info.GetType().Name == "ExternalLinkInfo")
                    throw new UnsafeHdf5Exception($"link '{FileText.Escape((string)Member(link, "LinkName"))}' leads into another file ('{FileText.Escape((string)Member(info, "FilePath"))}', an external link), which is refused");
        }
        return group;
    }

    private static object Member(object owner, string name) =>
        owner.GetType().GetProperty(name, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)?.GetValue(owner)
        ?? throw new MissingMemberException(owner.GetType().Name, name);

    private IH5Object Local(IH5Object item, string name)
    {
        if (item is IH5UnresolvedLink unresolved)
            throw new UnsafeHdf5Exception($"link '{FileText.Escape(name)}' does not resolve inside the file ({FileText.Escape(unresolved.Reason?.Message.Split('\n')[0])})");
        if (item is not NativeObject native || !ReferenceEquals(ContextProperty.GetValue(native), ContextProperty.GetValue(File)))
            throw new UnsafeHdf5Exception($"link '{FileText.Escape(name)}' leads into another file (an external link), which is refused");
        return item;
    }

    /// <summary>
    /// A read-only view of the file that stops a read when the stack runs low: PureHDF resolves a soft
    /// link by recursion and reads the file at each level, so a cycle ends here in an exception, which
    /// PureHDF turns into an unresolved link, instead of a stack overflow that no handler can catch.
    /// </summary>
    private sealed class DepthLimitedStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
                throw new UnsafeHdf5Exception("links nest too deep (a soft-link cycle?)");
            return inner.Read(buffer);
        }

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>An HDF5 file that asks to read outside itself, or whose links do not resolve; the message is one line.</summary>
public sealed class UnsafeHdf5Exception(string message) : DeepVisException(message);
