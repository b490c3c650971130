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

    /// <summary>
    /// Runs <paramref name="work"/> over <paramref name="total"/> items, giving it a callback for the number
    /// done so far: a live bar with items per second and the time left on a terminal; redirected, a line
    /// at most every few seconds and at the end; nothing with --quiet.
    /// </summary>
    public void Count(string title, long total, Action<Action<long>> work)
    {
        if (quiet)
        {
            work(_ => { });
            return;
        }
        var watch = System.Diagnostics.Stopwatch.StartNew();
        string Line(long done)
        {
            var rate = done / Math.Max(watch.Elapsed.TotalSeconds, 1e-9);
            var left = rate > 0 ? TimeSpan.FromSeconds(Math.Round((total - done) / rate)) : TimeSpan.Zero;
            return $"{title}: {done}/{total}  {rate:F1} images/s  ETA {left:hh\\:mm\\:ss}";
        }
        if (!ReferenceEquals(output, Console.Out) || Console.IsOutputRedirected)
        {
            var last = TimeSpan.Zero;
            work(done =>
            {
                if (done < total && watch.Elapsed - last < TimeSpan.FromSeconds(5)) return;
                last = watch.Elapsed;
                output.WriteLine(Line(done));
            });
            return;
        }
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(title, maxValue: Math.Max(total, 1));
                work(done =>
                {
                    task.Value = done;
                    task.Description = Markup.Escape(Line(done));
                });
            });
    }

    /// <summary>One number for one image, else the mean with the range.</summary>
    private static string Summary(float[] loss) =>
        loss.Length == 1 ? $"{loss[0]:G4}" : $"{loss.Average():G4} (min {loss.Min():G4}, max {loss.Max():G4})";
}
