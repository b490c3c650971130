using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using DeepVis.Cli.Atlas;
using DeepVis.Images;
using DeepVis.Nets;
using DeepVis.Optim.Objectives;
using DeepVis.Optim.Render;

namespace DeepVis.Cli.Serve;

[JsonConverter(typeof(JsonStringEnumConverter<JobState>))]
public enum JobState
{
    Queued,
    Running,
    Done,
    Failed,
}

/// <summary>
/// A render the server was asked for: its objective, where it stands (steps done of all), and when done
/// the page or image to show (relative to the site's root) with the objective before and after.
/// </summary>
public sealed class RenderJob(int id, Objective objective)
{
    public int Id { get; } = id;
    public string Objective { get; } = objective.ToString();
    internal Objective Parsed { get; } = objective;
    public JobState State { get; internal set; } = JobState.Queued;
    public int Step { get; internal set; }
    public int Steps { get; internal set; }
    public string? Result { get; internal set; }
    public float? Start { get; internal set; }
    public float? End { get; internal set; }
    public string? Error { get; internal set; }
}

/// <summary>A request the server refuses: 400 (it cannot be rendered) or 503 (the queue is full).</summary>
public sealed class JobRefusedException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>
/// The server's renders, one at a time on one worker (the device runs one render at a time anyway), with
/// at most <c>capacity</c> waiting: a request beyond that is refused rather than queued without bound. A
/// channel of one of the atlas's layers is rendered as the atlas would have (its seed, its examples) and
/// added to the site; any other objective is rendered with the atlas's settings into renders/.
/// </summary>
public sealed class RenderJobQueue : IDisposable
{
    public const string RendersFolder = "renders";

    private readonly Session _session;
    private readonly Channel<RenderJob> _waiting;
    private readonly ConcurrentDictionary<int, RenderJob> _jobs = new();
    private readonly Task _worker;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lazy<AtlasRenderer> _renderer;
    private AtlasManifest _manifest;
    private int _lastId;

    public RenderJobQueue(Session session, AtlasManifest manifest, int capacity)
    {
        (_session, _manifest) = (session, manifest);
        // The examples are loaded and measured on the worker, at the first render that needs them.
        _renderer = new Lazy<AtlasRenderer>(() => new AtlasRenderer(session, _manifest));
        _waiting = Channel.CreateBounded<RenderJob>(new BoundedChannelOptions(capacity) { SingleReader = true });
        Capacity = capacity;
        _worker = Task.Run(Work);
    }

    public int Capacity { get; }

    public RenderJob? Find(int id) => _jobs.GetValueOrDefault(id);

    /// <summary>Queues a render of <paramref name="text"/> (an objective expression); refuses what cannot be rendered, or when the queue is full.</summary>
    public RenderJob Submit(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new JobRefusedException(400, "give an objective, e.g. layer3:12 or 'conv2_1:3 - conv2_1:4'");
        Objective objective;
        try
        {
            objective = ObjectiveParser.Parse(text);
            foreach (var term in objective.Terms) _session.Network.Resolve(term.Term.Layer);
        }
        catch (Exception e) when (e is ObjectiveException or LayerNotFoundException)
        {
            throw new JobRefusedException(400, e.Message);
        }
        // The server reads no file a request names.
        if (objective.Terms.Any(t => t.Term is ObjectiveTerm.Direction)) throw new JobRefusedException(400, "direction(...) reads a file: the server does not render it");
        if (objective.Terms.Any(t => t.Batch is > 0 || t.Term is ObjectiveTerm.Diversity))
            throw new JobRefusedException(400, "the server renders one image: no @N or diversity");
        var job = new RenderJob(Interlocked.Increment(ref _lastId), objective);
        if (!_waiting.Writer.TryWrite(job))
            throw new JobRefusedException(503, $"the render queue is full ({Capacity} waiting): try again when one has finished");
        _jobs[job.Id] = job;
        return job;
    }

    private async Task Work()
    {
        await foreach (var job in _waiting.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
        {
            job.State = JobState.Running;
            try
            {
                Run(job);
                job.State = JobState.Done;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                (job.Error, job.State) = (e.Message, JobState.Failed);
            }
        }
    }

    private void Run(RenderJob job)
    {
        var renderer = _renderer.Value;
        job.Steps = renderer.Settings.Steps;
        void Report(DeepVis.Optim.Progress p) => job.Step = p.Step;
        if (AtlasChannelOf(job.Parsed) is var (layer, channel))
        {
            var known = _manifest.Channels.FirstOrDefault(c => c.Layer == layer.Address && c.Channel == channel);
            if (known is null)
            {
                known = renderer.Render(layer, [channel], Report)[0];
                _manifest = _manifest.WithChannels([.. _manifest.Channels, known]);
                _manifest.Save(_session.OutDir);
                AtlasSite.Write(_manifest, _session.OutDir);
            }
            (job.Result, job.Start, job.End, job.Step) = (AtlasSite.ChannelPage(layer, channel), known.Start, known.End, job.Steps);
            return;
        }
        // Any other objective: seeded by its text, so asking again gives the same image.
        var seed = AtlasPlan.Seed(_manifest.Model.Name, job.Objective, 0);
        var source = new Random(seed);
        var rendered = Renderer.Run(_session.Network, job.Parsed, renderer.Settings, [source],
            run: (optimizer, _) => optimizer.Run(job.Steps, Math.Max(1, job.Steps / 50), source, Report));
        Directory.CreateDirectory(_session.OutPath(RendersFolder));
        var file = $"{RendersFolder}/{seed:x8}.png";
        ImageSaver.SavePng(PlanarImage.FromRender(rendered, 0, _session.Network.Info), _session.OutPath(file));
        (job.Result, job.Start, job.End) = (file, rendered.Start[0], rendered.End[0]);
    }

    /// <summary>The atlas layer and channel when the objective is one channel of a layer the atlas shows (within its range), else null.</summary>
    private (AtlasLayer, int)? AtlasChannelOf(Objective objective)
    {
        if (objective.Terms is not [{ Weight: 1, Batch: null, Term: ObjectiveTerm.Channel term }]) return null;
        var address = _session.Network.Resolve(term.Layer).Address;
        var layer = _manifest.Layers.FirstOrDefault(l => l.Address == address);
        return layer is not null && term.Index >= layer.First && term.Index <= layer.Last ? (layer, term.Index) : null;
    }

    /// <summary>Finishes the render under way (a render cannot stop halfway) and drops the ones waiting.</summary>
    public void Dispose()
    {
        _waiting.Writer.TryComplete();
        _stop.Cancel();
        try
        {
            _worker.Wait();
        }
        catch (AggregateException e) when (e.InnerExceptions.All(x => x is OperationCanceledException))
        {
        }
        _stop.Dispose();
    }
}
