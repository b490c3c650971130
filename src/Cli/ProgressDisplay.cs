using Progress = DeepVis.Optim.Progress;
using Spectre.Console;

namespace DeepVis.Cli;

/// <summary>
/// Shows an optimization's progress: a live bar with iteration, loss and iterations per second on a
/// terminal; one plain line per report when output is redirected; nothing with --quiet.
/// </summary>
public sealed class ProgressDisplay(TextWriter output, bool quiet)
{
    /// <summary>Runs <paramref name="work"/>, giving it a callback for each progress report.</summary>
    public T Track<T>(string title, Func<Action<Progress>, T> work)
    {
        if (quiet) return work(_ => { });
        var watch = System.Diagnostics.Stopwatch.StartNew();
        string Line(Progress p) =>
            $"{title}: {p.Step}/{p.Iterations}  loss {Summary(p.Loss)}  {p.Step / Math.Max(watch.Elapsed.TotalSeconds, 1e-9):F1} it/s";
        if (!ReferenceEquals(output, Console.Out) || Console.IsOutputRedirected)
            return work(p => output.WriteLine(Line(p)));
        T result = default!;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(title);
                result = work(p =>
                {
                    task.MaxValue = p.Iterations;
                    task.Value = p.Step;
                    task.Description = Markup.Escape(Line(p));
                });
            });
        return result;
    }

    /// <summary>One number for one image, else the mean with the range.</summary>
    private static string Summary(float[] loss) =>
        loss.Length == 1 ? $"{loss[0]:G4}" : $"{loss.Average():G4} (min {loss.Min():G4}, max {loss.Max():G4})";
}
