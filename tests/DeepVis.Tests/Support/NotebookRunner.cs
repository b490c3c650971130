using System.Text.Json;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace DeepVis.Tests.Support;

/// <summary>
/// Runs a .NET Interactive notebook's C# cells in order as one Roslyn script session, each cell a
/// continuation of the one before (as the kernel runs them), with the library referenced where the
/// notebook's <c>#i</c>/<c>#r</c> lines would fetch it from the packed folder.
/// </summary>
public static class NotebookRunner
{
    /// <summary>The names .NET Interactive gives a cell that plain C# scripting lacks.</summary>
    public sealed class Globals
    {
        /// <summary>What the cells displayed, in order.</summary>
        public List<object> Displayed { get; } = [];

        /// <summary>.NET Interactive's display(): here, kept for the test to look at.</summary>
        public object display(object value)
        {
            Displayed.Add(value);
            return value;
        }

        /// <summary>.NET Interactive's HTML(): marks a string as HTML.</summary>
        public Html HTML(string content) => new(content);
    }

    /// <summary>A string of HTML a cell displayed.</summary>
    public sealed record Html(string Content);

    /// <summary>The C# cells' sources, without the package directives.</summary>
    public static IReadOnlyList<string> CodeCells(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return [.. json.RootElement.GetProperty("cells").EnumerateArray()
            .Where(cell => cell.GetProperty("cell_type").GetString() == "code")
            .Select(cell => string.Concat(cell.GetProperty("source").EnumerateArray().Select(line => line.GetString())))
            .Select(source => string.Join('\n', source.Split('\n').Where(line => !line.TrimStart().StartsWith("#i ") && !line.TrimStart().StartsWith("#r "))))
            .Where(source => source.Trim().Length > 0)];
    }

    /// <summary>Runs the cells with the assemblies of <paramref name="referenced"/>; returns what they displayed.</summary>
    public static async Task<Globals> Run(string path, params Type[] referenced)
    {
        // The namespaces .NET Interactive's C# kernel imports in every notebook.
        var options = ScriptOptions.Default.AddReferences(referenced.Select(t => t.Assembly).Distinct())
            .AddImports("System", "System.Collections.Generic", "System.Linq", "System.Text", "System.Threading.Tasks");
        var globals = new Globals();
        ScriptState<object>? state = null;
        foreach (var cell in CodeCells(path))
            state = state is null
                ? await CSharpScript.RunAsync(cell, options, globals, typeof(Globals))
                : await state.ContinueWithAsync(cell, options);
        return globals;
    }
}
