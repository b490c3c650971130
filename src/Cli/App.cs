using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;
using DeepVis.Cli.Atlas;
using DeepVis.Cli.Commands;
using DeepVis.Cli.Serve;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Nets.Files;
using DeepVis.Nets.Weights;
using DeepVis.WeightsConverter;
using DeepVis.WeightsConverter.Models;

namespace DeepVis.Cli;

/// <summary>
/// The deepvis command line: builds the verbs and turns the errors a user can cause into one line
/// on stderr and a non-zero exit code, never a stack trace.
/// </summary>
public static class App
{
    public const int UserErrorExitCode = 2;

    /// <summary>The most characters of an error line (what it quotes from a file or an option may be megabytes).</summary>
    private const int MaxErrorLength = 2000;

    /// <summary>The exit code of a bug in DeepVis (EX_SOFTWARE of sysexits.h): anything thrown that is not a <see cref="DeepVisException"/>.</summary>
    public const int InternalErrorExitCode = 70;

    /// <summary>The environment variable that, set to 1, adds the stack trace to the report of an internal error.</summary>
    public const string TraceVariable = "DEEPVIS_TRACE";

    public static int Run(string[] args, TextWriter output, TextWriter error) =>
        Run(Build(output), args, output, error, Environment.GetEnvironmentVariable(TraceVariable) == "1");

    /// <summary>Every verb of the command line, writing its results to <paramref name="output"/>.</summary>
    public static RootCommand Build(TextWriter output) => new("DeepVis: look inside image CNNs by optimizing images on the GPU.")
    {
        DevicesCommand.Create(output),
        LayersCommand.Create(output),
        ProbeCommand.Create(output),
        DreamCommand.Create(output),
        FiltersCommand.Create(output),
        ClassCommand.Create(output),
        ConvertCommand.Create(output),
        BenchCommand.Create(output),
        InvertCommand.Create(output),
        QualityCommand.Create(output),
        ModelsCommand.Create(output),
        RenderCommand.Create(output),
        RenderQualityCommand.Create(output),
        AtlasCommand.Create(output),
        ServeCommand.Create(output),
    };

    /// <summary>
    /// Runs <paramref name="root"/> on the arguments: a user's mistake is one line and exit 2; anything
    /// else is a bug in DeepVis, one line that says so (the stack trace too when <paramref name="trace"/>) and exit 70.
    /// </summary>
    internal static int Run(RootCommand root, string[] args, TextWriter output, TextWriter error, bool trace)
    {
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // One line like every other user error, not System.CommandLine's error list followed by the whole help.
            var verb = parsed.CommandResult.Command == root ? "deepvis" : $"deepvis {parsed.CommandResult.Command.Name}";
            error.WriteLine($"deepvis: error: {FileText.Escape(string.Join("; ", parsed.Errors.Select(Describe)), MaxErrorLength)} (see '{verb} --help')");
            return UserErrorExitCode;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (DeepVisException e)
        {
            // Messages quote names from files: a terminal must not obey control characters in them.
            error.WriteLine($"deepvis: error: {FileText.Escape(e.Message, MaxErrorLength)}");
            return UserErrorExitCode;
        }
        catch (Exception e)
        {
            error.WriteLine($"deepvis: internal error: {e.GetType().FullName}: {FileText.Escape(FirstLine(e.Message), MaxErrorLength)}. This is a bug in DeepVis: please report it " +
                $"with the command line{(trace ? "" : $" (set {TraceVariable}=1 to add the stack trace)")}");
            if (trace) error.WriteLine(e);
            return InternalErrorExitCode;
        }
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].TrimEnd('\r', '.');

    /// <summary>A parse error on one line, prefixed with the option it concerns when its message does not name it.</summary>
    private static string Describe(ParseError e)
    {
        var text = Regex.Replace(e.Message, @"\s*\n\s*", " ").TrimEnd('.');
        var option = e.SymbolResult switch
        {
            OptionResult o => o.Option.Name,
            ArgumentResult { Parent: OptionResult o } => o.Option.Name,
            _ => null,
        };
        return option is null || text.Contains(option) ? text : $"{option}: {text}";
    }

    /// <summary>The shared --device option: auto|cuda|opencl|cpu|cpu-sim with an optional :N.</summary>
    public static Option<string?> DeviceOption() => new("--device")
    {
        Description = "auto, cuda, opencl, cpu (DeepVis's CPU kernels) or cpu-sim (ILGPU's slow simulator of the GPU kernels), " +
            "optionally with :N (default: DEEPVIS_DEVICE, else auto: CUDA, then OpenCL, then cpu)",
    };
}

/// <summary>A mistake in what the user asked for; its message is shown as it is.</summary>
public sealed class UserException(string message) : DeepVisException(message);
