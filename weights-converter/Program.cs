using System.CommandLine;
using DeepVis;
using DeepVis.WeightsConverter;

// deepvis-convert: the convert verb on its own; 'deepvis convert' is the same command, and its errors read alike:
// a user's mistake is one line and exit 2, anything else a bug in DeepVis (exit 70).
var root = ConvertCommand.Configure(new RootCommand(ConvertCommand.Description), Console.Out);
try
{
    return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (DeepVisException e)
{
    Console.Error.WriteLine($"deepvis-convert: error: {e.Message}");
    return 2;
}
catch (Exception e)
{
    var trace = Environment.GetEnvironmentVariable("DEEPVIS_TRACE") == "1";
    Console.Error.WriteLine($"deepvis-convert: internal error: {e.GetType().FullName}: {e.Message.Split('\n')[0]}. This is a bug in DeepVis: please report it " +
        $"with the command line{(trace ? "" : " (set DEEPVIS_TRACE=1 to add the stack trace)")}");
    if (trace) Console.Error.WriteLine(e);
    return 70;
}
