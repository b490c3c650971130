using System.Numerics.Tensors;
using DeepVis.Images;
using DeepVis.Nets;

namespace DeepVis.Cli.Atlas;

/// <summary>
/// The atlas's example pass: forward passes only over the example images, batch by batch, keeping per
/// channel its top images and the running statistics of its response (<see cref="ExampleState"/>), so
/// that what is held is the state plus one batch whatever the number of images. Batches are aligned to
/// the batch size from image 0, and an image's activations depend only on its batch, so a resumed run, a
/// shard of the images (whole batches) and one run see the same numbers. Afterwards <see cref="WriteFiles"/>
/// writes the top images' thumbnails, the crops of their peaks' receptive fields and their activation maps.
/// </summary>
public sealed class ExamplePass(Session session, AtlasManifest plan, ExampleSource source)
{
    private readonly Network _network = session.Network;
    private readonly AtlasExamples _examples = plan.Examples ?? throw new ArgumentException("the plan has no examples", nameof(plan));

    /// <summary>The batches of the whole pass.</summary>
    public int Batches => (source.Count + _examples.Batch - 1) / _examples.Batch;

    /// <summary>The most images held at once (decoded and prepared), for checking the bound.</summary>
    public int MostImagesHeld { get; private set; }

    /// <summary>The batches of a shard of the images: whole batches, as even as they allow.</summary>
    public (int From, int To) Range(Shard? shard)
    {
        var (index, count) = shard is null ? (0, 1) : (shard.Index, shard.Count);
        return (Batches * index / count, Batches * (index + 1) / count);
    }

    /// <summary>
    /// Counts the batches of <paramref name="range"/> that <paramref name="state"/> has not counted,
    /// saving it every <paramref name="checkpoint"/> batches, at the end and when cancelled (then throws).
    /// <paramref name="report"/> gets the number of images done after each batch.
    /// </summary>
    public void Run(ExampleState state, (int From, int To) range, int checkpoint, Action<long> report, CancellationToken cancel)
    {
        var layers = plan.Layers.Select(l => (Layer: l, Node: _network.Resolve(l.Address))).ToList();
        var responses = state.Channels.ToDictionary(c => (c.Layer, c.Channel));
        var todo = Enumerable.Range(range.From, range.To - range.From).Where(b => !state.Counted(b)).ToList();
        Workspace? workspace = null;
        try
        {
            var (done, since) = (0L, 0);
            foreach (var batch in todo)
            {
                if (cancel.IsCancellationRequested)
                {
                    state.Save(session.OutDir);
                    cancel.ThrowIfCancellationRequested();
                }
                var (first, count) = (batch * _examples.Batch, Math.Min(_examples.Batch, source.Count - batch * _examples.Batch));
                var (indices, inputs) = Load(Enumerable.Range(first, count), state);
                if (indices.Count > 0)
                {
                    workspace = Forward(workspace, inputs, indices.Count, layers.Select(l => l.Node).ToList());
                    foreach (var (layer, node) in layers)
                    {
                        var output = workspace.OutputOf(node.Index);
                        var values = output.ToArray();
                        var plane = output.H * output.W;
                        for (var n = 0; n < indices.Count; n++)
                            for (var c = layer.First; c <= layer.Last; c++)
                            {
                                var map = values.AsSpan((n * output.C + c) * plane, plane);
                                var at = TensorPrimitives.IndexOfMax(map);
                                double sum = 0;
                                foreach (var v in map) sum += v;
                                responses[(layer.Address, c)].Add(new ExampleHit(indices[n], map[at], at / output.W, at % output.W), sum, plane, _examples.Top);
                            }
                    }
                }
                state.Count(batch);
                done += count;
                report(done);
                if (++since == checkpoint)
                {
                    state.Save(session.OutDir);
                    since = 0;
                }
            }
        }
        finally
        {
            workspace?.Dispose();
        }
        state.Save(session.OutDir);
    }

    /// <summary>The images that can be read, as one normalized batch at the examples' size; the others are recorded as skipped.</summary>
    private (List<int> Indices, float[] Inputs) Load(IEnumerable<int> wanted, ExampleState? state)
    {
        var images = new List<PlanarImage>();
        var indices = new List<int>();
        foreach (var (index, image) in source.Read(wanted, _network.Info.InputChannels))
        {
            if (image is null)
            {
                state?.Skip(index, source.Name(index));
                continue;
            }
            images.Add(image);
            indices.Add(index);
        }
        MostImagesHeld = Math.Max(MostImagesHeld, images.Count);
        return (indices, session.Prepare(images, _examples.Size, _examples.Size));
    }

    /// <summary>Runs the batch, in a workspace of its size (the one before when the size is the same).</summary>
    private Workspace Forward(Workspace? workspace, float[] inputs, int count, IReadOnlyList<NetworkLayer> nodes)
    {
        if (workspace?.Input.N != count)
        {
            workspace?.Dispose();
            workspace = new Workspace(_network, [count, _network.Info.InputChannels, _examples.Size, _examples.Size], nodes);
        }
        workspace.Input.CopyFrom(inputs);
        workspace.Forward();
        return workspace;
    }

    /// <summary>The thumbnail of an example image in the site.</summary>
    public static string Thumbnail(int image) => $"{AtlasRenderer.ThumbnailFolder}/i{image}.png";

    /// <summary>The crop around the peak of a channel's top image <paramref name="rank"/>, and its activation map.</summary>
    public static (string Crop, string Map) TopFiles(AtlasLayer layer, int channel, int rank)
    {
        var stem = AtlasSite.ChannelStem(layer, channel);
        return ($"{stem}-top{rank}.png", $"{stem}-top{rank}-map.png");
    }

    /// <summary>Every file <see cref="WriteFiles"/> writes for a state, relative to the site.</summary>
    public static IEnumerable<string> Files(AtlasManifest plan, ExampleState state)
    {
        var layers = plan.Layers.ToDictionary(l => l.Address);
        foreach (var image in state.Channels.SelectMany(c => c.Top).Select(t => t.Image).Distinct().Order()) yield return Thumbnail(image);
        foreach (var response in state.Channels)
            for (var rank = 0; rank < response.Top.Count; rank++)
            {
                var (crop, map) = TopFiles(layers[response.Layer], response.Channel, rank);
                yield return crop;
                yield return map;
            }
    }

    /// <summary>
    /// Reads the top images again (in index order, a batch at a time, so that every run of the same state
    /// writes the same files) and writes for each its thumbnail (as the network saw it) and, for each
    /// channel it ranks in, the crop of the peak unit's receptive field and the channel's activation map.
    /// </summary>
    public void WriteFiles(ExampleState state)
    {
        var info = _network.Info;
        var size = _examples.Size;
        var uses = state.Channels.SelectMany(r => r.Top.Select((hit, rank) => (Response: r, Hit: hit, Rank: rank))).ToLookup(u => u.Hit.Image);
        var images = uses.Select(u => u.Key).Order().ToList();
        var layers = plan.Layers.ToDictionary(l => l.Address);
        var nodes = plan.Layers.ToDictionary(l => l.Address, l => _network.Resolve(l.Address));
        var fields = nodes.ToDictionary(p => p.Key, p => ReceptiveField.Of(_network, p.Value, size, size));
        Directory.CreateDirectory(session.OutPath(AtlasRenderer.ThumbnailFolder));
        foreach (var layer in plan.Layers) Directory.CreateDirectory(session.OutPath(layer.Folder));
        Workspace? workspace = null;
        try
        {
            foreach (var chunk in images.Chunk(_examples.Batch))
            {
                var (indices, inputs) = Load(chunk, null);
                if (indices.Count != chunk.Length)
                    throw new UserException($"--examples: {source.Name(chunk.Except(indices).First())} could be read during the pass but not now: has the example set changed?");
                workspace = Forward(workspace, inputs, indices.Count, [.. nodes.Values]);
                var outputs = nodes.ToDictionary(p => p.Key, p => (Tensor: workspace.OutputOf(p.Value.Index), Values: workspace.OutputOf(p.Value.Index).ToArray()));
                for (var n = 0; n < indices.Count; n++)
                {
                    var thumbnail = ImageSaver.ToPixels(inputs, n, info.InputChannels, size, size, info);
                    ImageSaver.SavePng(thumbnail, session.OutPath(Thumbnail(indices[n])));
                    foreach (var (response, hit, rank) in uses[indices[n]])
                    {
                        var layer = layers[response.Layer];
                        var (output, values) = outputs[layer.Address];
                        var (crop, map) = TopFiles(layer, response.Channel, rank);
                        ImageSaver.SavePng(Crop(thumbnail, fields[layer.Address].Box(hit.Y, hit.X, size, size)), session.OutPath(crop));
                        ImageSaver.SavePng(Map(values, n, response.Channel, output.C, output.H, output.W), session.OutPath(map));
                    }
                }
            }
        }
        finally
        {
            workspace?.Dispose();
        }
        state.FilesWritten = true;
        state.Save(session.OutDir);
    }

    /// <summary>The rectangle (top, left, height, width) of an image.</summary>
    private static PlanarImage Crop(PlanarImage image, (int Top, int Left, int Height, int Width) box)
    {
        var data = new float[image.Channels * box.Height * box.Width];
        for (var c = 0; c < image.Channels; c++)
            for (var row = 0; row < box.Height; row++)
                Array.Copy(image.Data, (c * image.Height + box.Top + row) * image.Width + box.Left, data, (c * box.Height + row) * box.Width, box.Width);
        return new PlanarImage(image.Channels, box.Height, box.Width, data);
    }

    /// <summary>A channel's activation map for an image as a grey picture: 0 (or below) black, the map's maximum white.</summary>
    private static PlanarImage Map(float[] values, int n, int channel, int channels, int height, int width)
    {
        var plane = values.AsSpan((n * channels + channel) * height * width, height * width);
        var peak = TensorPrimitives.Max(plane);
        var data = new float[plane.Length];
        for (var i = 0; i < data.Length; i++) data[i] = peak > 0 ? Math.Clamp(plane[i] / peak, 0f, 1f) : 0f;
        return new PlanarImage(1, height, width, data);
    }
}
