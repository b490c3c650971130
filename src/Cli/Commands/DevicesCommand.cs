using System.CommandLine;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Cli.Commands;

/// <summary><c>deepvis devices</c>: what accelerators ILGPU sees here, and which one <c>--device</c> picks.</summary>
public static class DevicesCommand
{
    public static Command Create(TextWriter output)
    {
        var device = App.DeviceOption();
        var command = new Command("devices", "List the accelerators present and the one --device selects.") { device };
        command.SetAction(result =>
        {
            foreach (var line in Device.ListPresent()) output.WriteLine(line);
            using var selected = Device.Open(result.GetValue(device));
            output.WriteLine($"selected: {selected.Name}");
            return 0;
        });
        return command;
    }
}
