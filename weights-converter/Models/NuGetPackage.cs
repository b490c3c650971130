using System.Diagnostics;
using System.Text.Json;

namespace DeepVis.WeightsConverter.Models;

/// <summary>
/// Restores one NuGet package as <c>dotnet restore</c> does on this machine (the user's NuGet sources,
/// proxy and global packages folder, so a second restore finds it there) through a throwaway project
/// with a PackageDownload item: the package alone, none of its dependencies.
/// </summary>
public static class NuGetPackage
{
    /// <summary>Restores <paramref name="id"/> at exactly <paramref name="version"/> through a project in <paramref name="workFolder"/> (removed after); returns the package's folder.</summary>
    public static string Restore(string id, string version, string workFolder)
    {
        Directory.CreateDirectory(workFolder);
        try
        {
            return RestoreIn(workFolder, id, version);
        }
        finally
        {
            Directory.Delete(workFolder, recursive: true);
        }
    }

    private static string RestoreIn(string workFolder, string id, string version)
    {
        var project = Path.Combine(workFolder, "restore.csproj");
        File.WriteAllText(project, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
              <ItemGroup><PackageDownload Include="{id}" Version="[{version}]" /></ItemGroup>
            </Project>
            """);
        // The folder's parents' Directory.Build files (a repository's build settings) are not this project's.
        var (code, log) = Dotnet(["restore", project, "-nologo", "-p:ImportDirectoryBuildProps=false", "-p:ImportDirectoryBuildTargets=false"]);
        if (code != 0)
            throw new ModelFetchException($"could not restore {id} {version} through NuGet ({FirstError(log)}); " +
                "check the network and the NuGet sources ('dotnet nuget list source')");
        var folder = Path.Combine(PackagesFolder(Path.Combine(workFolder, "obj", "project.assets.json")), id.ToLowerInvariant(), version);
        return Directory.Exists(folder) ? folder : throw new ModelFetchException($"NuGet restored {id} {version} but it is not in {folder}");
    }

    /// <summary>The global packages folder the restore used, from its assets file.</summary>
    private static string PackagesFolder(string assets)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(assets));
        return json.RootElement.GetProperty("packageFolders").EnumerateObject().First().Name;
    }

    private static (int Code, string Log) Dotnet(IEnumerable<string> arguments)
    {
        // Under 'dotnet run' or 'dotnet test' the SDK names its own host; otherwise the one on PATH.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output + error.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new ModelFetchException($"the .NET SDK's 'dotnet' command is needed to restore packages and could not be started ({e.Message})");
        }
    }

    /// <summary>NuGet's first error ("error NU1301: Unable to load the service index ..."), else the log's last line, without the project path MSBuild appends.</summary>
    private static string FirstError(string log)
    {
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var error = lines.FirstOrDefault(l => l.Contains("error ", StringComparison.Ordinal));
        var line = error is null ? lines.LastOrDefault() ?? "no output" : error[(error.IndexOf("error ", StringComparison.Ordinal) + 6)..];
        var project = line.LastIndexOf(" [", StringComparison.Ordinal);
        return project > 0 && line.EndsWith(']') ? line[..project] : line;
    }
}
