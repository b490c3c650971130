using System.CommandLine;
using DeepVis.Images;
using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Nets.Files;
using DeepVis.Optim;

namespace DeepVis.Cli;

/// <summary>
/// The options every visualization verb shares (--weights, --device, --seed, --out, --save-every,
/// --quiet), and what they open: the device, the network, the output folder, a seeded random source.
/// </summary>
public sealed class CommonOptions
{
    public Option<string?> Weights { get; } = Options.OptionalWeights();

    public Option<string?> Device { get; } = App.DeviceOption();

    public Option<int> Seed { get; } = new("--seed") { Description = "random seed: a run is reproducible for a seed and device", DefaultValueFactory = _ => 0 };

    public Option<string> Out { get; } = new("--out") { Description = "output folder (created if missing)", DefaultValueFactory = _ => "out" };

    public Option<int?> SaveEvery { get; } = OptionFactory.OptionalInt("--save-every", "also save the images every K iterations (frames for a movie)", 1, Limits.MaxSteps);

    public Option<bool> Quiet { get; } = new("--quiet") { Description = "no progress output" };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Weights, Device, Seed, Out, SaveEvery, Quiet }) command.Options.Add(option);
    }

    /// <summary>Checks the output folder first (nothing is computed for a run that could not save), then opens the device and network.</summary>
    public Session Open(ParseResult result, TextWriter output)
    {
        var outDir = OutputFile.CreateFolder(result.GetValue(Out)!);
        return Session.Open(result.GetValue(Device), result.GetValue(Weights), new Random(result.GetValue(Seed)), outDir, result.GetValue(SaveEvery),
            new ProgressDisplay(output, result.GetValue(Quiet)), output);
    }
}

/// <summary>An open device and network for one verb's run, with where and how to report and save.</summary>
public sealed class Session(Device device, Network network, Random random, string outDir, int? saveEvery, ProgressDisplay progress, TextWriter output)
    : IDisposable
{
    public Device Device { get; } = device;
    public Network Network { get; } = network;
    public Random Random { get; } = random;
    public string OutDir { get; } = outDir;
    public int? SaveEvery { get; } = saveEvery;
    public ProgressDisplay Progress { get; } = progress;
    public TextWriter Output { get; } = output;

    /// <summary>
    /// The path of <paramref name="name"/> in the output folder, refused when it leads outside (names
    /// that come from a model file go through <see cref="PathName.Of"/> first; this is the last check).
    /// </summary>
    public string OutPath(string name)
    {
        var path = Path.Combine(OutDir, name);
        var real = RealPath.Of(path);
        return RealPath.IsInside(real, RealPath.Of(OutDir))
            ? path : throw new OutputException($"output '{FileText.Escape(name)}' leads outside the output folder '{OutDir}' (to {FileText.Escape(real)})");
    }

    /// <summary>Opens the device <paramref name="device"/> names and the network of <paramref name="weights"/> (null: the embedded model) on it.</summary>
    public static Session Open(string? device, string? weights, Random random, string outDir, int? saveEvery, ProgressDisplay progress, TextWriter output)
    {
        var opened = Kernels.Runtime.Device.Open(device);
        try
        {
            return new Session(opened, Model.OpenNetwork(opened, weights, output), random, outDir, saveEvery, progress, output);
        }
        catch
        {
            opened.Dispose();
            throw;
        }
    }

    /// <summary>Saves item n of a normalized [N, C, H, W] batch as a PNG picture.</summary>
    public void SaveImage(float[] batch, int n, int[] shape, string name) =>
        ImageSaver.SavePng(ImageSaver.ToPixels(batch, n, shape[1], shape[2], shape[3], Network.Info), OutPath(name));

    /// <summary>
    /// Loads image files as one normalized batch at height x width: each is read in the model's
    /// channels, normalized, and resized on the device (bilinear, as PyTorch's interpolate).
    /// </summary>
    public float[] LoadImages(IReadOnlyList<string> paths, int height, int width) =>
        Prepare([.. paths.Select(p => ImageLoader.Load(p, Network.Info.InputChannels))], height, width);

    /// <summary>Decoded images (in the model's channels) as one normalized batch at height x width.</summary>
    public float[] Prepare(IReadOnlyList<PlanarImage> images, int height, int width) => NetworkInput.Prepare(Network, images, height, width);

    /// <summary>
    /// Runs an optimization with progress reports (about 50 per run) and, with --save-every K, saves
    /// every image of the batch every K steps as <c>name(n)-step00010.png</c> (frames for a movie).
    /// The steps draw from <paramref name="random"/> when given (the algorithm's own source), else the session's.
    /// </summary>
    public float[] Optimize(ImageOptimizer optimizer, int iterations, string title, Func<int, string> name, Random? random = null) =>
        Progress.Track(title, report => optimizer.Run(iterations, Math.Max(1, iterations / 50), random ?? Random, report, SaveSteps(optimizer.Image, name)));

    /// <summary>The after-step callback of --save-every K: saves the batch every K steps as <c>name(n)-step00010.png</c>.</summary>
    public Action<int> SaveSteps(Tensor images, Func<int, string> name) => step =>
    {
        if (SaveEvery is { } every && step % every == 0) SaveBatch(images, n => $"{name(n)}-step{step:D5}");
    };

    /// <summary>Saves every image of a normalized device batch as <c>name(n).png</c>; returns the paths.</summary>
    public IReadOnlyList<string> SaveBatch(Tensor batch, Func<int, string> name)
    {
        var data = batch.ToArray();
        int[] shape = [.. batch.Shape];
        var paths = new List<string>();
        for (var n = 0; n < batch.N; n++)
        {
            SaveImage(data, n, shape, name(n) + ".png");
            paths.Add(OutPath(name(n) + ".png"));
        }
        return paths;
    }

    /// <summary>Channel statistics of the model's normalization, for the pixel-range clamp.</summary>
    public ChannelStats Normalization() => new(Device, Network.Info.Mean, Network.Info.Std);

    public void Dispose()
    {
        Network.Dispose();
        Device.Dispose();
    }
}
