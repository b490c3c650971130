using System.CommandLine;
using DeepVis;
using DeepVis.Nets.Files;
using DeepVis.WeightsConverter;

// deepvis-convert: the convert verb on its own; 'deepvis convert' is the same command.
var root = ConvertCommand.Configure(new RootCommand(ConvertCommand.Description), Console.Out);
try
{
    return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (DeepVisException e)
{
    Console.Error.WriteLine($"deepvis-convert: error: {FileText.Escape(e.Message, 2000)}");
    return 2;
}
