using System.CommandLine;
using DeepVis.Nets.Weights;
using DeepVis.WeightsConverter;

// deepvis-convert: the convert verb on its own; 'deepvis convert' is the same command.
var root = ConvertCommand.Configure(new RootCommand(ConvertCommand.Description), Console.Out);
try
{
    return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (e is WeightsFormatException or WeightsException)
{
    Console.Error.WriteLine($"deepvis-convert: error: {e.Message}");
    return 2;
}
