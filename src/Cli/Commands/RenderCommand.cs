using System.CommandLine;
using DeepVis.Cli.Images;
using DeepVis.Images;
using DeepVis.Optim;
using DeepVis.Optim.Objectives;
using DeepVis.Optim.Render;

namespace DeepVis.Cli.Commands;

/// <summary>
/// <c>deepvis render</c>: Lucid-style feature visualization of an objective expression; one PNG per
/// batch image, a contact sheet, and the objective's value at the end.
/// </summary>
public static class RenderCommand
{
    public static Command Create(TextWriter output)
    {
        var common = new CommonOptions();
        var render = new RenderOptions();
        var objectiveOption = OptionFactory.Parsed("--objective",
            "what to maximize, e.g. \"layer3.1:12 + 0.5*layer4.0:7 - 100*diversity(layer3.1)\"; terms LAYER:CHANNEL, " +
            "neuron(LAYER:CHANNEL), direction(LAYER, FILE), diversity(LAYER), dream(LAYER), each optionally @IMAGE", "EXPRESSION", ObjectiveParser.Parse);
        objectiveOption.Required = true;
        var steps = OptionFactory.Int("--steps", "optimization steps", 1, Limits.MaxSteps, RenderSettings.DefaultSteps);
        var size = OptionFactory.OptionalInt("--size", "image size in pixels, square (default: the model's input size)", 1, Limits.MaxSize);
        var batch = OptionFactory.OptionalInt("--batch", "images rendered together (default: 1, or enough for the largest @IMAGE in the objective)", 1, Limits.MaxBatch);
        var command = new Command("render", "Lucid-style feature visualization: spectral, decorrelated images, random transforms, Adam, objective expressions.")
        {
            objectiveOption, steps, size, batch,
        };
        render.AddTo(command);
        common.AddTo(command);
        command.SetAction(result =>
        {
            var objective = result.GetValue(objectiveOption)!;
            var images = result.GetValue(batch) ?? Math.Max(1, objective.Terms.Max(t => t.Batch ?? 0) + 1);
            if (images > Limits.MaxBatch)
                throw new UserException($"the objective's @{images - 1} asks for a batch of {images} images; a batch holds at most {Limits.MaxBatch}");
            if (images < 2 && objective.Terms.Any(t => t.Term is ObjectiveTerm.Diversity))
                throw new UserException("diversity compares the images of a batch: it needs --batch of at least 2");
            var iterations = result.GetValue(steps);

            using var session = common.Open(result, output);
            var network = session.Network;
            var pixels = result.GetValue(size) ?? network.Info.DefaultSize;
            var settings = render.Settings(result, pixels, iterations, network.Info.InputChannels);
            var targets = objective.Terms.Select(t => t.Term.Layer).Distinct().Select(network.Resolve).ToList();
            var minimum = InputSize.Minimum(network, targets);
            if (pixels < minimum) throw new UserException($"--size {pixels} is too small for this {network.Info.Arch}: it needs at least {minimum}");
            output.WriteLine($"render: {objective} on {images} image{(images == 1 ? "" : "s")} of {pixels}x{pixels}, " +
                $"{settings.Recipe}, {iterations} steps");

            string FileName(int n) => $"render-{n}";
            var rendered = Renderer.Run(network, objective, images, settings, session.Random, run: (optimizer, pipeline) =>
                session.Progress.Track("render", report => optimizer.Run(iterations, Math.Max(1, iterations / 50), session.Random, report,
                    step =>
                    {
                        if (session.SaveEvery is { } every && step % every == 0)
                            SaveAll(session, Snapshot(pipeline), n => $"{FileName(n)}-step{step:D5}");
                    })));
            var paths = SaveAll(session, rendered, FileName);
            var sheet = new ContactSheet([.. Enumerable.Range(0, images).Select(n => n.ToString())], network.Info.InputChannels, pixels, pixels);
            for (var n = 0; n < images; n++) sheet.Place(n, PlanarImage.FromRender(rendered, n, network.Info));
            var sheetPath = session.OutPath("render-sheet.png");
            ImageSaver.SavePng(sheet.Image, sheetPath);
            for (var n = 0; n < images; n++) output.WriteLine($"image {n}: objective {rendered.Start[n]:G4} -> {rendered.End[n]:G4}");
            output.WriteLine($"objective: {rendered.End.Sum():G6}");
            output.WriteLine($"wrote {paths[0]}{(images > 1 ? " ..." : "")} and the contact sheet {sheetPath}");
            return 0;
        });
        return command;
    }

    /// <summary>The pipeline's current images as a result, for --save-every frames.</summary>
    private static RenderResult Snapshot(RenderPipeline pipeline) =>
        new(pipeline.Image.ToArray(), [.. pipeline.Image.Shape], [], []);

    private static List<string> SaveAll(Session session, RenderResult result, Func<int, string> name)
    {
        var paths = new List<string>();
        for (var n = 0; n < result.Shape[0]; n++)
        {
            var path = session.OutPath(name(n) + ".png");
            ImageSaver.SavePng(PlanarImage.FromRender(result, n, session.Network.Info), path);
            paths.Add(path);
        }
        return paths;
    }
}
