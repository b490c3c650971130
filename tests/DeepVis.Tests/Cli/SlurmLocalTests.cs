using System.Diagnostics;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Cli;

/// <summary>
/// The Slurm path run for real: deploy/slurm/test-local.sh starts a private single-node cluster
/// (Debian's slurm-wlm and munge, as root), submits the atlas array job and its merge, and compares
/// the merged site with a single run. Skipped where the packages or root are missing.
/// </summary>
public sealed class SlurmLocalTests
{
    private const int Skipped = 77;

    [Fact]
    public async Task The_atlas_array_job_and_its_merge_give_the_single_runs_site()
    {
        var (exitCode, output) = await RunScript(Cli());
        Assert.True(exitCode == 0, output);
        Assert.Contains("3 shards and their merge give the single run's site byte for byte", output);
        Assert.Matches(@"job \d+: COMPLETED", output);
    }

    [Fact]
    public async Task A_failing_shard_fails_the_run_and_everything_is_stopped_and_removed()
    {
        var (folders, daemons) = Leftovers();
        var (exitCode, output) = await RunScript("false");
        Assert.True(exitCode == 1, output);
        Assert.Contains("a job did not complete", output);
        Assert.Matches(@"job \d+: FAILED", output);
        Assert.Matches(@"job \d+: CANCELLED", output);
        var after = Leftovers();
        Assert.Equal(folders, after.Folders);
        Assert.Equal(daemons, after.Daemons);
    }

    /// <summary>The deepvis built beside the tests, as the jobs run it.</summary>
    private static string Cli() => $"dotnet {Path.Combine(AppContext.BaseDirectory, "deepvis.dll")}";

    private static async Task<(int ExitCode, string Output)> RunScript(string deepvis)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "Slurm runs on Linux");
        Assert.SkipUnless(Environment.IsPrivilegedProcess, "the local Slurm cluster needs root (slurmd starts the jobs)");
        var missing = new[] { "slurmctld", "slurmd", "sbatch", "munged", "mungekey" }.Where(t => !Installed(t)).ToList();
        Assert.SkipWhen(missing.Count > 0, $"{string.Join(", ", missing)} missing: install the Debian packages slurm-wlm and munge");

        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Fixtures.Repo("deploy/slurm/test-local.sh"));
        start.Environment["DEEPVIS"] = deepvis;
        start.Environment["TIMEOUT"] = "300";
        using var process = Process.Start(start)!;
        var token = TestContext.Current.CancellationToken;
        var (output, error) = (process.StandardOutput.ReadToEndAsync(token), process.StandardError.ReadToEndAsync(token));
        await process.WaitForExitAsync(token);
        var text = await output + await error;
        Assert.SkipWhen(process.ExitCode == Skipped, text.Trim());
        return (process.ExitCode, text);
    }

    private static bool Installed(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/sbin").Any(dir => File.Exists(Path.Combine(dir, tool)));

    /// <summary>The script's temporary folders (it makes them in /tmp) and the daemons it starts, to see that a run leaves none behind.</summary>
    private static (string[] Folders, int Daemons) Leftovers() =>
        (Directory.GetDirectories("/tmp", "deepvis-slurm.*").Order().ToArray(),
         Process.GetProcesses().Count(p => p.ProcessName is "slurmctld" or "slurmd" or "munged"));
}
